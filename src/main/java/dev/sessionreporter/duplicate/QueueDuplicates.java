package dev.sessionreporter.duplicate;

import dev.sessionreporter.input.SessionKeyInput;
import dev.sessionreporter.secret.SessionKeyMask;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Duplicate suppression on the queue (the {@code idempotentConsumer} of the {@code session-reporter-queue-trigger} route): which key a
 * queue message is checked under, and what happens to a suppressed duplicate — one INFO line in the log category
 * {@code dev.sessionreporter.duplicates} with the masked key, and a count ({@link #getSuppressedCount()}).
 */
public class QueueDuplicates {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sessionreporter.duplicates");

    private final SessionKeyInput input;
    private final Duration window;
    private final String windowSetting;
    private final AtomicLong suppressed = new AtomicLong();

    public QueueDuplicates(SessionKeyInput input, Duration window) {
        this(input, window, "reporter.duplicates.window");
    }

    /** @param windowSetting the setting the log line names for the window (a route template's parameter) */
    public QueueDuplicates(SessionKeyInput input, Duration window, String windowSetting) {
        this.input = input;
        this.window = window;
        this.windowSetting = windowSetting;
    }

    /**
     * The session key of the message; for a message without a valid key, an id no other message has, so it is never
     * a duplicate and goes on to be dead-lettered as invalid input. Never throws: a failure here would roll the
     * message back instead of dead-lettering it.
     */
    public String keyOf(Exchange exchange) {
        try {
            return input.sessionKeyOf(exchange.getIn().getBody());
        } catch (RuntimeException invalid) {
            return "no-valid-key:" + exchange.getExchangeId();
        }
    }

    /** A duplicate: acknowledged with the queue transaction, counted and logged, not reported. */
    public void suppress(Exchange exchange) {
        long count = suppressed.incrementAndGet();
        LOG.info("Session {} suppressed as a duplicate: it arrived on the queue again within {} "
                + "({}) of an arrival that is reported or being reported; suppressed so far: {}",
                SessionKeyMask.mask(keyOf(exchange)), text(window), windowSetting, count);
    }

    private static String text(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + " ms";
    }

    /** Queue messages suppressed as duplicates since the start. */
    public long getSuppressedCount() {
        return suppressed.get();
    }
}
