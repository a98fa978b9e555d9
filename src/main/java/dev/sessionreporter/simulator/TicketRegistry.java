package dev.sessionreporter.simulator;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tickets the simulator issued ({@code 7T:} + random base64), with a sliding lifetime as on-site NetServer: each
 * accepted use moves the expiry to {@code now + lifetime}. Never logs a ticket.
 */
final class TicketRegistry {

    static final Duration DEFAULT_LIFETIME = Duration.ofHours(6);

    enum Status { VALID, EXPIRED, UNKNOWN }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile Duration lifetime = DEFAULT_LIFETIME;
    private volatile Clock clock = Clock.systemUTC();

    void setLifetime(Duration lifetime) {
        Objects.requireNonNull(lifetime, "lifetime");
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("ticket lifetime must be positive: " + lifetime);
        }
        this.lifetime = lifetime;
    }

    Duration lifetime() {
        return lifetime;
    }

    void setClock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    Instant now() {
        return clock.instant();
    }

    /** A new ticket, valid for the lifetime from now; counted. */
    String issue() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String ticket = "7T:" + Base64.getEncoder().encodeToString(bytes);
        expiries.put(ticket, now().plus(lifetime));
        issued.incrementAndGet();
        return ticket;
    }

    /** Checks a ticket and, when valid, extends it (sliding expiry). */
    Status use(String ticket) {
        if (ticket == null) {
            return Status.UNKNOWN;
        }
        Status[] status = {Status.UNKNOWN};
        expiries.computeIfPresent(ticket, (t, expiry) -> {
            Instant now = now();
            if (now.isBefore(expiry)) {
                status[0] = Status.VALID;
                return now.plus(lifetime);
            }
            status[0] = Status.EXPIRED;
            return expiry;
        });
        return status[0];
    }

    /** When an issued ticket expires (unless used again); empty for a ticket the simulator did not issue. */
    Optional<Instant> expiry(String ticket) {
        return ticket == null ? Optional.empty() : Optional.ofNullable(expiries.get(ticket));
    }

    /** Every issued ticket expires now. */
    void expireAll() {
        expiries.replaceAll((ticket, expiry) -> Instant.MIN);
    }

    int issuedCount() {
        return issued.get();
    }
}
