package dev.sessionreporter.auth;

import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one ticket of the application, shared by every route and consumer. It is acquired on first use (or at start),
 * renewed before {@code maxAge}, and renewed once when the server rejects it — by one thread: the others that saw
 * the same rejected ticket get the new one, so 100 concurrent rejections cause one login. A failed login is logged
 * once per incident and not retried for {@code retryAfter}; meanwhile reports fail fast with AUTHENTICATION_FAILED.
 */
public class TicketCache {
    private static final Logger LOG = LoggerFactory.getLogger(TicketCache.class);

    private final Login login;
    private final Duration maxAge;
    private final Duration retryAfter;
    private final Clock clock;
    private volatile Ticket current;
    private Instant failedAt;
    private String failure;
    private volatile boolean loginFailing;
    private final AtomicLong logins = new AtomicLong();
    private final AtomicLong failedLogins = new AtomicLong();

    public TicketCache(Login login, Duration maxAge, Duration retryAfter, Clock clock) {
        this.login = login;
        this.maxAge = maxAge;
        this.retryAfter = retryAfter;
        this.clock = clock;
    }

    /** A cache that always answers the same ticket (auth mode ticket). */
    public static TicketCache fixed(String ticket) {
        return new TicketCache(new StaticTicketLogin(ticket), Duration.ZERO, Duration.ZERO, Clock.systemUTC());
    }

    /** The ticket to use now. */
    public Ticket current() {
        Ticket ticket = current;
        if (ticket != null && !tooOld(ticket)) {
            return ticket;
        }
        synchronized (this) {
            if (current == null || tooOld(current)) {
                current = acquire(current == null ? "first use" : "renewal before the maximum age");
            }
            return current;
        }
    }

    /** The server rejected {@code rejected}: renew it, unless another thread already did. */
    public Ticket renewAfterRejection(String rejected) {
        synchronized (this) {
            if (current != null && !current.value().equals(rejected)) {
                return current;
            }
            if (!login.canRenew()) {
                throw new ReportFailedException(FailureReason.AUTHENTICATION_FAILED, "the server rejected the configured "
                        + "superoffice.ticket; auth mode 'ticket' cannot renew it (use mode password or system-user)");
            }
            current = acquire("the server rejected the ticket");
            return current;
        }
    }

    /** Logs in at start; a failure is logged and the next report tries again. */
    public void loginNow() {
        try {
            current();
        } catch (ReportFailedException e) {
            // already logged once by acquire
        }
    }

    /** True from a failed login until the next successful one (a failed-login incident). */
    public boolean isLoginFailing() {
        return loginFailing;
    }

    /** Tickets obtained since the start (first use and every renewal). */
    public long getLoginCount() {
        return logins.get();
    }

    /** Login attempts that failed since the start (attempts skipped during superoffice.auth.retry-after not counted). */
    public long getFailedLoginCount() {
        return failedLogins.get();
    }

    private boolean tooOld(Ticket ticket) {
        return login.canRenew() && !maxAge.isZero() && ticket.acquiredAt().plus(maxAge).isBefore(clock.instant());
    }

    private Ticket acquire(String why) {
        Instant now = clock.instant();
        if (failedAt != null && failedAt.plus(retryAfter).isAfter(now)) {
            throw new ReportFailedException(FailureReason.AUTHENTICATION_FAILED, failure + " (next login attempt after "
                    + failedAt.plus(retryAfter) + ")");
        }
        try {
            Ticket ticket = login.login();
            if (failedAt != null) {
                LOG.info("Logged in to SuperOffice again ({})", why);
            } else {
                LOG.info("Logged in to SuperOffice ({})", why);
            }
            failedAt = null;
            failure = null;
            loginFailing = false;
            logins.incrementAndGet();
            return ticket;
        } catch (Login.AuthenticationException | RuntimeException e) {
            String message = e instanceof Login.AuthenticationException ? e.getMessage()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            if (failedAt == null) {
                LOG.error("SuperOffice login failed ({}): {}. Reports fail with AUTHENTICATION_FAILED; next attempt in {} s",
                        why, message, retryAfter.toSeconds());
            }
            failedAt = now;
            failure = "login failed: " + message;
            loginFailing = true;
            failedLogins.incrementAndGet();
            throw new ReportFailedException(FailureReason.AUTHENTICATION_FAILED, failure);
        }
    }
}
