package org.jcontrast.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the records logged to {@code org.jcontrast} while open, at every level, to count the
 * lines a fallback writes; they are kept from the console meanwhile, so that failures a test causes
 * on purpose do not show in the build's output as if they were real.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("org.jcontrast");
    private final List<LogRecord> records = new ArrayList<>();
    private final Level previousLevel;
    private final boolean previousUseParent;

    /** Starts capturing. */
    public LogCapture() {
        previousLevel = logger.getLevel();
        previousUseParent = logger.getUseParentHandlers();
        logger.setLevel(Level.ALL);
        logger.setUseParentHandlers(false);
        logger.addHandler(this);
    }

    /** The messages logged so far. */
    public synchronized List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    /** The levels of the messages logged so far, as {@link System.Logger.Level} maps them (DEBUG is FINE). */
    public synchronized List<Level> levels() {
        return records.stream().map(LogRecord::getLevel).toList();
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
        logger.setUseParentHandlers(previousUseParent);
        logger.setLevel(previousLevel);
    }
}
