package org.jcontrast.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects the records logged to {@code org.jcontrast} while open, to count the lines a fallback writes. */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("org.jcontrast");
    private final List<LogRecord> records = new ArrayList<>();

    /** Starts capturing. */
    public LogCapture() {
        logger.addHandler(this);
    }

    /** The messages logged so far. */
    public synchronized List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    @Override
    public synchronized void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
