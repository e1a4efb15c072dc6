package org.jcontrast.internal.backend;

/** Why a {@link GemmBackend} cannot run in this JVM: a missing library, symbol or device, a failing call. */
public final class BackendUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An exception whose message is the reason, in words people can act on. */
    public BackendUnavailableException(String reason) {
        super(reason);
    }
}
