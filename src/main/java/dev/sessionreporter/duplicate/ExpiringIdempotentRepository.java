package dev.sessionreporter.duplicate;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * An in-memory {@link IdempotentRepository} that forgets a key a fixed window after it was added: within the window
 * {@link #add} answers {@code false} (a duplicate), afterwards the key is new again. A duplicate does not extend the
 * window. Expired keys are purged at most once per window, so memory holds about one window's worth of keys. A window
 * of zero keeps nothing: every key is always new.
 */
public class ExpiringIdempotentRepository extends ServiceSupport implements IdempotentRepository {
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentMap<String, Long> expiries = new ConcurrentHashMap<>();
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
        if (windowNanos == 0) {
            return true;
        }
        long now = nanoClock.getAsLong();
        purgeExpired(now);
        boolean[] added = {false};
        expiries.compute(key, (k, expiry) -> {
            if (expiry != null && now - expiry < 0) {
                return expiry;
            }
            added[0] = true;
            return now + windowNanos;
        });
        return added[0];
    }

    @Override
    public boolean contains(String key) {
        Long expiry = expiries.get(key);
        return expiry != null && nanoClock.getAsLong() - expiry < 0;
    }

    @Override
    public boolean remove(String key) {
        return expiries.remove(key) != null;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        expiries.clear();
    }

    /** Keys held now, expired ones not yet purged included. */
    public int size() {
        return expiries.size();
    }

    public Duration window() {
        return Duration.ofNanos(windowNanos);
    }

    private void purgeExpired(long now) {
        long due = nextPurge.get();
        if (now - due >= 0 && nextPurge.compareAndSet(due, now + windowNanos)) {
            expiries.values().removeIf(expiry -> now - expiry >= 0);
        }
    }

    @Override
    protected void doStop() {
        clear();
    }
}
