#!/usr/bin/env bash
# Prints a Python interpreter that can import torch: $PYTHON, then Debian's /usr/bin/python3, then
# python3 on PATH. Exits 1 with instructions if none can.
for py in "${PYTHON:-}" /usr/bin/python3 "$(command -v python3 2>/dev/null)"; do
  [ -n "$py" ] && [ -x "$py" ] || continue
  if "$py" -c 'import torch' >/dev/null 2>&1; then
    echo "$py"
    exit 0
  fi
done
echo "no Python with PyTorch found: install Debian's build with 'sudo apt-get install python3-torch'" \
     "(bench-only; jcontrast never needs it), or set PYTHON to an interpreter that has torch" >&2
exit 1
