package dev.sessionreporter.duplicate;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * An in-memory {@link IdempotentRepository} that forgets a key a fixed window after it was added: within the window
 * {@link #add} answers {@code false} (a duplicate), afterwards the key is new again. A duplicate does not extend the
 * window. Expired keys are purged at most once per window, so memory holds about one window's worth of keys. A window
 * of zero keeps nothing: every key is always new.
 *
 * <p>Through Camel's exchange-aware methods (the {@code idempotentConsumer} calls those) each key in the window is held
 * by the message that added it (its JMS message id) and by that message's current attempt (its exchange):
 * <ul>
 * <li>the same message delivered again — the broker redelivers it when the first attempt's connection was lost — is
 * never a duplicate of its own earlier attempt: it passes and takes the entry over, its window unchanged. A redelivered
 * message without a JMS message id cannot be told apart from another and passes too;</li>
 * <li>{@link #remove(Exchange, String)} removes only the entry its own attempt holds: an earlier attempt whose
 * transaction is gone, or a suppressed duplicate, cannot remove the entry of the attempt that holds it now.</li>
 * </ul>
 */
public class ExpiringIdempotentRepository extends ServiceSupport implements IdempotentRepository {
    /** camel-jms's header with the message's JMS message id, which a redelivery of the same message carries again. */
    static final String JMS_MESSAGE_ID = "JMSMessageID";

    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong nextPurge;

    public ExpiringIdempotentRepository(Duration window) {
        this(window, System::nanoTime);
    }

    /** With {@code nanoClock} as the time source ({@link System#nanoTime()} semantics), for tests. */
    ExpiringIdempotentRepository(Duration window, LongSupplier nanoClock) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("window must not be negative: " + window);
        }
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
        this.nextPurge = new AtomicLong(nanoClock.getAsLong() + windowNanos);
    }

    @Override
    public boolean add(String key) {
        return add(key, null, false, null);
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        return add(key, exchange.getIn().getHeader(JMS_MESSAGE_ID, String.class), exchange.isExternalRedelivered(),
                exchange.getExchangeId());
    }

    private boolean add(String key, String messageId, boolean redelivered, String attempt) {
        if (windowNanos == 0) {
            return true;
        }
        long now = nanoClock.getAsLong();
        purgeExpired(now);
        boolean[] added = {false};
        entries.compute(key, (k, entry) -> {
            if (entry == null || now - entry.expiry() >= 0) {
                added[0] = true;
                return new Entry(now + windowNanos, messageId, attempt);
            }
            // the message that holds the key, delivered again: this attempt takes the entry over, its window unchanged
            boolean sameMessage = messageId != null ? messageId.equals(entry.messageId()) : redelivered;
            if (sameMessage) {
                added[0] = true;
                return new Entry(entry.expiry(), messageId, attempt);
            }
            return entry;
        });
        return added[0];
    }

    @Override
    public boolean contains(String key) {
        Entry entry = entries.get(key);
        return entry != null && nanoClock.getAsLong() - entry.expiry() < 0;
    }

    @Override
    public boolean remove(String key) {
        return entries.remove(key) != null;
    }

    /** Removes the key only while this exchange's attempt holds it. */
    @Override
    public boolean remove(Exchange exchange, String key) {
        boolean[] removed = {false};
        entries.computeIfPresent(key, (k, entry) -> {
            if (exchange.getExchangeId().equals(entry.attempt())) {
                removed[0] = true;
                return null;
            }
            return entry;
        });
        return removed[0];
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        entries.clear();
    }

    /** Keys held now, expired ones not yet purged included. */
    public int size() {
        return entries.size();
    }

    public Duration window() {
        return Duration.ofNanos(windowNanos);
    }

    private void purgeExpired(long now) {
        long due = nextPurge.get();
        if (now - due >= 0 && nextPurge.compareAndSet(due, now + windowNanos)) {
            entries.values().removeIf(entry -> now - entry.expiry() >= 0);
        }
    }

    @Override
    protected void doStop() {
        clear();
    }

    /**
     * A key in the window: when it expires, the JMS message id of the message that holds it (null: none, or added
     * without an exchange) and the exchange id of that message's current attempt.
     */
    private record Entry(long expiry, String messageId, String attempt) {
    }
}
