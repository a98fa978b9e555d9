package dev.sessionreporter.duplicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.trait.message.MessageTrait;
import org.apache.camel.trait.message.RedeliveryTraitPayload;
import org.junit.jupiter.api.Test;

class ExpiringIdempotentRepositoryTest {
    private static final Duration WINDOW = Duration.ofSeconds(60);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ExpiringIdempotentRepository repository = new ExpiringIdempotentRepository(WINDOW, now::get);
    private final CamelContext camel = new DefaultCamelContext();

    @Test
    void addsKeyOnceWithinTheWindow() {
        assertThat(repository.add("a")).isTrue();
        assertThat(repository.add("a")).isFalse();
        assertThat(repository.contains("a")).isTrue();
        assertThat(repository.add("b")).as("another key").isTrue();
    }

    @Test
    void keyIsNewAgainOnceTheWindowHasPassed() {
        repository.add("a");

        advance(WINDOW.minusMillis(1));
        assertThat(repository.add("a")).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(repository.contains("a")).isFalse();
        assertThat(repository.add("a")).isTrue();
    }

    @Test
    void duplicateDoesNotExtendTheWindow() {
        repository.add("a");
        advance(Duration.ofSeconds(50));
        assertThat(repository.add("a")).isFalse();

        advance(Duration.ofSeconds(10));

        assertThat(repository.add("a")).as("60 s after the first add, not after the duplicate").isTrue();
    }

    @Test
    void removedKeyIsNewAgainAtOnce() {
        repository.add("a");

        assertThat(repository.remove("a")).isTrue();

        assertThat(repository.contains("a")).isFalse();
        assertThat(repository.add("a")).isTrue();
    }

    @Test
    void purgesExpiredKeysOncePerWindow() {
        repository.add("a");
        repository.add("b");

        advance(WINDOW);
        repository.add("c");

        assertThat(repository.size()).isEqualTo(1);
    }

    @Test
    void zeroWindowKeepsNothingSoEveryKeyIsNew() {
        ExpiringIdempotentRepository disabled = new ExpiringIdempotentRepository(Duration.ZERO, now::get);

        assertThat(disabled.add("a")).isTrue();
        assertThat(disabled.add("a")).isTrue();
        assertThat(disabled.contains("a")).isFalse();
        assertThat(disabled.size()).isZero();
    }

    @Test
    void clearForgetsEveryKey() {
        repository.add("a");

        repository.clear();

        assertThat(repository.add("a")).isTrue();
    }

    @Test
    void rejectsNegativeWindow() {
        assertThatThrownBy(() -> new ExpiringIdempotentRepository(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ the message that holds a key (exchange-aware)

    @Test
    void redeliveryOfTheSameMessageIsNotADuplicateOfItsOwnEarlierAttempt() {
        assertThat(repository.add(delivery("ID:m1", false), "a")).isTrue();

        assertThat(repository.add(delivery("ID:m1", true), "a"))
                .as("the broker redelivers m1 while its first attempt runs").isTrue();
        assertThat(repository.add(delivery("ID:m2", false), "a")).as("another message with the same key").isFalse();
        assertThat(repository.add(delivery("ID:m2", true), "a")).as("another message, redelivered").isFalse();
    }

    @Test
    void redeliveryTakesTheEntryOverWithoutExtendingTheWindow() {
        repository.add(delivery("ID:m1", false), "a");
        advance(Duration.ofSeconds(50));
        repository.add(delivery("ID:m1", true), "a");

        advance(Duration.ofSeconds(10));

        assertThat(repository.add(delivery("ID:m2", false), "a")).as("60 s after the first delivery").isTrue();
    }

    @Test
    void earlierAttemptWhoseTransactionIsGoneCannotRemoveTheEntryOfTheRedelivery() {
        Exchange first = delivery("ID:m1", false);
        repository.add(first, "a");
        Exchange redelivery = delivery("ID:m1", true);
        repository.add(redelivery, "a");

        assertThat(repository.remove(first, "a")).as("the first attempt fails after the redelivery took over")
                .isFalse();
        assertThat(repository.add(delivery("ID:m2", false), "a")).as("the redelivery still holds the key").isFalse();

        assertThat(repository.remove(redelivery, "a")).as("the redelivery's own failure").isTrue();
        assertThat(repository.add(delivery("ID:m2", false), "a")).isTrue();
    }

    @Test
    void failedAttemptThatStillHoldsItsKeyRemovesItSoTheRedeliveryIsReported() {
        Exchange first = delivery("ID:m1", false);
        repository.add(first, "a");

        assertThat(repository.remove(first, "a")).isTrue();

        assertThat(repository.add(delivery("ID:m1", true), "a")).isTrue();
    }

    @Test
    void suppressedDuplicateCannotRemoveTheEntryOfTheMessageThatHoldsTheKey() {
        repository.add(delivery("ID:m1", false), "a");
        Exchange duplicate = delivery("ID:m2", false);
        assertThat(repository.add(duplicate, "a")).isFalse();

        assertThat(repository.remove(duplicate, "a")).isFalse();

        assertThat(repository.contains("a")).isTrue();
    }

    @Test
    void redeliveredMessageWithoutMessageIdPassesButAFirstDeliveryWithoutOneIsADuplicate() {
        repository.add(delivery(null, false), "a");

        assertThat(repository.add(delivery(null, false), "a")).as("a first delivery without a message id").isFalse();
        assertThat(repository.add(delivery(null, true), "a")).as("cannot be told apart from its earlier attempt")
                .isTrue();
    }

    /** One delivery of a queue message as camel-jms hands it over: its JMS message id and redelivered flag. */
    private Exchange delivery(String jmsMessageId, boolean redelivered) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setHeader("JMSMessageID", jmsMessageId);
        exchange.getIn().setPayloadForTrait(MessageTrait.REDELIVERY,
                redelivered ? RedeliveryTraitPayload.IS_REDELIVERY : RedeliveryTraitPayload.NON_REDELIVERY);
        return exchange;
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
