package dev.sessionreporter.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;
import dev.sessionreporter.support.CapturedLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TicketCacheTest {
    private final MutableClock clock = new MutableClock();

    /** Hands out 7T:ticket-1, 7T:ticket-2, ... and counts the logins; fails while {@code refuse} is set. */
    private static final class CountingLogin implements Login {
        final AtomicInteger logins = new AtomicInteger();
        volatile boolean refuse;
        volatile boolean unreachable;
        private final Clock clock;

        CountingLogin(Clock clock) {
            this.clock = clock;
        }

        @Override
        public Ticket login() throws AuthenticationException {
            int n = logins.incrementAndGet();
            if (refuse) {
                throw new AuthenticationException("wrong password for user 'reporter'");
            }
            if (unreachable) {
                throw AuthenticationException.unavailable("SoPrincipal answered HTTP 503");
            }
            sleep(20); // a login takes a while: concurrent callers must wait for it, not start their own
            return new Ticket("7T:ticket-" + n, null, clock.instant());
        }
    }

    @Test
    void logsInLazilyOnceAndSharesTheTicket() {
        CountingLogin login = new CountingLogin(clock);
        TicketCache cache = new TicketCache(login, Duration.ofMinutes(50), Duration.ofSeconds(30), clock);

        assertThat(login.logins).hasValue(0);
        assertThat(cache.current().value()).isEqualTo("7T:ticket-1");
        assertThat(cache.current().value()).isEqualTo("7T:ticket-1");
        assertThat(login.logins).hasValue(1);
    }

    @Test
    void hundredConcurrentRejectionsOfTheSameTicketCauseOneLogin() throws Exception {
        CountingLogin login = new CountingLogin(clock);
        TicketCache cache = new TicketCache(login, Duration.ofMinutes(50), Duration.ofSeconds(30), clock);
        String rejected = cache.current().value();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> renewed = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            renewed.add(pool.submit(() -> {
                start.await();
                return cache.renewAfterRejection(rejected).value();
            }));
        }

        start.countDown();
        for (Future<String> ticket : renewed) {
            assertThat(ticket.get()).isEqualTo("7T:ticket-2");
        }
        pool.shutdown();
        assertThat(login.logins).as("the first login plus exactly one renewal").hasValue(2);
    }

    @Test
    void renewsBeforeTheMaximumAge() {
        CountingLogin login = new CountingLogin(clock);
        TicketCache cache = new TicketCache(login, Duration.ofMinutes(50), Duration.ofSeconds(30), clock);
        cache.current();

        clock.advance(Duration.ofMinutes(49));
        assertThat(cache.current().value()).isEqualTo("7T:ticket-1");
        clock.advance(Duration.ofMinutes(2));
        assertThat(cache.current().value()).isEqualTo("7T:ticket-2");
    }

    @Test
    void failedLoginFailsFastUntilRetryAfterThenTriesAgain() {
        CountingLogin login = new CountingLogin(clock);
        login.refuse = true;
        TicketCache cache = new TicketCache(login, Duration.ofMinutes(50), Duration.ofSeconds(30), clock);

        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(cache::current).isInstanceOfSatisfying(ReportFailedException.class, e -> {
                assertThat(e.reason()).isEqualTo(FailureReason.AUTHENTICATION_FAILED);
                assertThat(e.getMessage()).contains("wrong password");
            });
        }
        assertThat(login.logins).as("no login storm while it is refused").hasValue(1);

        login.refuse = false;
        clock.advance(Duration.ofSeconds(31));
        assertThat(cache.current().value()).isEqualTo("7T:ticket-2");
    }

    @Test
    void failedRenewalAtTheMaximumAgeKeepsTheCurrentTicketUntilTheServerRejectsIt() {
        CountingLogin login = new CountingLogin(clock);
        TicketCache cache = new TicketCache(login, Duration.ofMinutes(50), Duration.ofSeconds(30), clock);
        cache.current();
        login.refuse = true;
        clock.advance(Duration.ofMinutes(51));

        for (int i = 0; i < 10; i++) {
            assertThat(cache.current().value()).as("the old ticket still works on the server").isEqualTo("7T:ticket-1");
        }
        assertThat(login.logins).as("one renewal attempt per retry-after").hasValue(2);
        clock.advance(Duration.ofSeconds(31));
        assertThat(cache.current().value()).isEqualTo("7T:ticket-1");
        assertThat(login.logins).as("tried again after retry-after").hasValue(3);
    }

    @Test
    void aRejectionAfterAFailedRenewalLogsInAtOnceAndARefusalIsThenPermanent() {
        CountingLogin login = new CountingLogin(clock);
        TicketCache cache = new TicketCache(login, Duration.ofMinutes(50), Duration.ofSeconds(30), clock);
        cache.current();
        login.refuse = true;
        clock.advance(Duration.ofMinutes(51));
        assertThat(cache.current().value()).isEqualTo("7T:ticket-1");
        assertThat(cache.state()).isEqualTo(TicketCache.State.RENEWAL_FAILING);
        assertThat(cache.isLoginFailing()).isFalse();

        // only the server's rejection makes the failing login matter; it is tried again at once
        cache.rejected("7T:ticket-1", "Succeeded=false: SoCredentialsException: The login has timed out.");
        assertThatThrownBy(cache::current).isInstanceOfSatisfying(ReportFailedException.class, e -> {
            assertThat(e.reason()).isEqualTo(FailureReason.AUTHENTICATION_FAILED);
            assertThat(e.isTransient()).isFalse();
            assertThat(e.getMessage()).contains("SoCredentialsException: The login has timed out.").contains("wrong password");
        });
        assertThat(login.logins).as("tried at once, not after retry-after").hasValue(3);
        assertThat(cache.state()).isEqualTo(TicketCache.State.LOGIN_REFUSED);
    }

    @Test
    void unreachableLoginEndpointIsTransientAndRefusedCredentialsArePermanent() {
        CountingLogin login = new CountingLogin(clock);
        login.unreachable = true;
        TicketCache cache = new TicketCache(login, Duration.ofMinutes(50), Duration.ofSeconds(30), clock);

        assertThatThrownBy(cache::current).isInstanceOfSatisfying(LoginUnavailableException.class, e -> {
            assertThat(e.isTransient()).isTrue();
            assertThat(e.getMessage()).contains("HTTP 503");
        });
        assertThatThrownBy(cache::current).as("still transient while waiting for retry-after")
                .isInstanceOf(LoginUnavailableException.class);
        assertThat(login.logins).hasValue(1);
        assertThat(cache.state()).isEqualTo(TicketCache.State.LOGIN_UNAVAILABLE);
        assertThat(cache.isLoginFailing()).isTrue();

        login.unreachable = false;
        login.refuse = true;
        clock.advance(Duration.ofSeconds(31));
        assertThatThrownBy(cache::current).isInstanceOfSatisfying(ReportFailedException.class, e -> {
            assertThat(e).isNotInstanceOf(LoginUnavailableException.class);
            assertThat(e.reason()).isEqualTo(FailureReason.AUTHENTICATION_FAILED);
        });
        assertThat(cache.state()).isEqualTo(TicketCache.State.LOGIN_REFUSED);

        login.refuse = false;
        clock.advance(Duration.ofSeconds(31));
        assertThat(cache.current().value()).isEqualTo("7T:ticket-3");
        assertThat(cache.state()).isEqualTo(TicketCache.State.OK);
    }

    @Test
    void renewalWithTheLoginEndpointDownKeepsTheCurrentTicketAndItsRejectionThenIsTransient() {
        CountingLogin login = new CountingLogin(clock);
        TicketCache cache = new TicketCache(login, Duration.ofMinutes(50), Duration.ofSeconds(30), clock);
        cache.current();
        login.unreachable = true;
        clock.advance(Duration.ofMinutes(51));

        assertThat(cache.current().value()).isEqualTo("7T:ticket-1");
        cache.rejected("7T:ticket-1", null);
        assertThatThrownBy(cache::current).isInstanceOf(LoginUnavailableException.class);
    }

    @Test
    void configuredTicketIsNoLoginAndLogsNone() {
        TicketCache cache = TicketCache.fixed("7T:configured");
        try (CapturedLog log = CapturedLog.attach()) {
            cache.loginNow();
            cache.current();
            assertThat(log.lines()).noneMatch(line -> line.contains("Logged in to SuperOffice"));
        }
        assertThat(cache.getLoginCount()).isZero();
    }

    @Test
    void staticTicketIsNeverRenewedAndItsRejectionIsAnAuthenticationFailure() {
        TicketCache cache = TicketCache.fixed("7T:configured");
        clock.advance(Duration.ofDays(2));

        assertThat(cache.current().value()).isEqualTo("7T:configured");
        assertThatThrownBy(() -> cache.renewAfterRejection("7T:configured"))
                .isInstanceOfSatisfying(ReportFailedException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.AUTHENTICATION_FAILED))
                .hasMessageNotContaining("7T:configured");
    }

    @Test
    void ticketToStringNeverShowsTheTicket() {
        assertThat(new Ticket("7T:secret", null, Instant.EPOCH).toString()).doesNotContain("7T:secret");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-26T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
