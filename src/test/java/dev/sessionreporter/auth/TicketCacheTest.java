package dev.sessionreporter.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;
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
