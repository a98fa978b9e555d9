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
 * The one ticket of the application, shared by every route and consumer. It is acquired on first use (or at start)
 * and renewed before {@code maxAge}; when the server rejects it, the next use logs in again — by one thread: the
 * others that saw the same rejected ticket get the new one, so 100 concurrent rejections cause one login.
 *
 * <p>A ticket the server has not rejected stays in use when its renewal fails: only a ticket the server rejected (or
 * none at all) makes a failed login matter. Then an unreachable login endpoint is transient
 * ({@link LoginUnavailableException}: retried, never dead-lettered) and a refused login is permanent
 * ({@code AUTHENTICATION_FAILED}). A failed login is logged once per incident and not tried again for
 * {@code retryAfter}.
 */
public class TicketCache {
    private static final Logger LOG = LoggerFactory.getLogger(TicketCache.class);

    /** What the credentials health check shows. */
    public enum State {
        /** A ticket is in use (or none was needed yet) and the last login worked. */
        OK,
        /** The renewal before the maximum age failed; the current ticket stays in use until the server rejects it. */
        RENEWAL_FAILING,
        /** No usable ticket: the login endpoint is unreachable. Reports are retried, queue messages stay queued. */
        LOGIN_UNAVAILABLE,
        /** No usable ticket: the login was refused. Reports are dead-lettered as AUTHENTICATION_FAILED. */
        LOGIN_REFUSED
    }

    private final Login login;
    private final Duration maxAge;
    private final Duration retryAfter;
    private final Clock clock;
    private volatile Ticket current;
    /** The server rejected {@link #current}: it must not be used again. */
    private volatile boolean currentRejected;
    private String rejectionDetail;
    private Instant failedAt;
    private volatile Login.AuthenticationException failure;
    private boolean loggedWithoutTicket;
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

    /**
     * The ticket to use now.
     *
     * @throws LoginUnavailableException no usable ticket and the login endpoint is unreachable (transient)
     * @throws ReportFailedException AUTHENTICATION_FAILED: no usable ticket and the login was refused
     */
    public Ticket current() {
        Ticket ticket = current;
        if (ticket != null && !currentRejected && !tooOld(ticket)) {
            return ticket;
        }
        synchronized (this) {
            ticket = current;
            if (ticket != null && !currentRejected && !tooOld(ticket)) {
                return ticket;
            }
            boolean usable = ticket != null && !currentRejected;
            Instant now = clock.instant();
            if (failedAt != null && failedAt.plus(retryAfter).isAfter(now)) {
                if (usable) {
                    return ticket;
                }
                throw noTicket(" (next login attempt after " + failedAt.plus(retryAfter) + ")");
            }
            String why = ticket == null ? "first use" : usable ? "renewal before the maximum age"
                    : "the server rejected the ticket";
            try {
                Ticket fresh = login.login();
                if (login.canRenew()) {
                    LOG.info(failedAt != null ? "Logged in to SuperOffice again ({})" : "Logged in to SuperOffice ({})", why);
                    logins.incrementAndGet();
                }
                current = fresh;
                currentRejected = false;
                rejectionDetail = null;
                failedAt = null;
                failure = null;
                loggedWithoutTicket = false;
                return fresh;
            } catch (Login.AuthenticationException | RuntimeException e) {
                Login.AuthenticationException failed = e instanceof Login.AuthenticationException authentication
                        ? authentication : new Login.AuthenticationException(e.getClass().getSimpleName() + ": " + e.getMessage());
                boolean firstOfIncident = failedAt == null;
                failedAt = now;
                failure = failed;
                failedLogins.incrementAndGet();
                if (usable) {
                    if (firstOfIncident) {
                        LOG.warn("SuperOffice ticket renewal failed ({}): {}. The current ticket stays in use until the "
                                + "server rejects it; next attempt in {} s", why, failed.getMessage(), retryAfter.toSeconds());
                    }
                    return ticket;
                }
                if (!loggedWithoutTicket) {
                    loggedWithoutTicket = true;
                    LOG.error("SuperOffice login failed ({}): {}. {}; next attempt in {} s", why, failed.getMessage(),
                            failed.isTransient() ? "Reports are retried and queue messages stay on the queue"
                                    : "Reports fail with AUTHENTICATION_FAILED", retryAfter.toSeconds());
                }
                throw noTicket("");
            }
        }
    }

    /**
     * The server rejected {@code rejected} ({@code detail}: its redacted ExceptionInfo, kept for the dead letter):
     * the next {@link #current()} logs in, unless another thread already replaced that ticket.
     */
    public void rejected(String rejected, String detail) {
        synchronized (this) {
            if (current == null || !current.value().equals(rejected) || currentRejected) {
                return;
            }
            if (!login.canRenew()) {
                throw new ReportFailedException(FailureReason.AUTHENTICATION_FAILED, "the server rejected the configured "
                        + "superoffice.ticket; auth mode 'ticket' cannot renew it (use mode password or system-user)");
            }
            currentRejected = true;
            rejectionDetail = detail;
            // a rejected ticket is worth a login at once, whatever the last renewal attempt did
            failedAt = null;
        }
    }

    /** The server rejected {@code rejected}: renew it, unless another thread already did. */
    public Ticket renewAfterRejection(String rejected) {
        rejected(rejected, null);
        return current();
    }

    /** Whether a rejected ticket can be replaced by logging in again (modes password and system-user). */
    public boolean canRenew() {
        return login.canRenew();
    }

    /** Logs in at start; a failure is logged and the next report tries again. Nothing to do for a static ticket. */
    public void loginNow() {
        if (!login.canRenew()) {
            return;
        }
        try {
            current();
        } catch (ReportFailedException e) {
            // already logged once by current()
        }
    }

    /** What the credentials health check shows. */
    public State state() {
        Login.AuthenticationException failed = failure;
        if (failed == null) {
            return State.OK;
        }
        if (current != null && !currentRejected) {
            return State.RENEWAL_FAILING;
        }
        return failed.isTransient() ? State.LOGIN_UNAVAILABLE : State.LOGIN_REFUSED;
    }

    /** Why the last login failed (safe to show), or null after a successful one. */
    public String lastFailure() {
        Login.AuthenticationException failed = failure;
        return failed == null ? null : failed.getMessage();
    }

    /** True while reports cannot get a ticket because the login fails. */
    public boolean isLoginFailing() {
        State state = state();
        return state == State.LOGIN_UNAVAILABLE || state == State.LOGIN_REFUSED;
    }

    /** Tickets obtained since the start (first use and every renewal); a configured static ticket is no login. */
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

    /** Called with the lock held, after a failed login left no usable ticket. */
    private ReportFailedException noTicket(String suffix) {
        String detail = (rejectionDetail == null ? "" : "the server rejected the ticket (" + rejectionDetail + "); ")
                + "login failed: " + failure.getMessage() + suffix;
        return failure.isTransient() ? new LoginUnavailableException(detail)
                : new ReportFailedException(FailureReason.AUTHENTICATION_FAILED, detail);
    }
}
