package dev.sessionreporter.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.secret.SessionKeyMask;
import jakarta.jms.BytesMessage;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The promise every fault scenario ends with: each key sent to the queue was reported or dead-lettered with a reason —
 * never both, never neither — nothing is left on the input queue or in the broker's own {@code DLQ} (where a message
 * lands that the reporter gave up on without a reason), and the reporter's readiness is UP again.
 *
 * <p>The keys of one scenario must be distinct: a key sent twice may rightly be suppressed as a duplicate.
 */
public final class CountingInvariant {
    /** Artemis's own dead-letter address, used when a message exceeds the broker's delivery attempts. */
    public static final String BROKER_DLQ = "DLQ";

    private static final Duration SETTLE = Duration.ofSeconds(60);

    private final Set<String> sent;

    private CountingInvariant(Set<String> sent) {
        this.sent = sent;
    }

    public static CountingInvariant of(Collection<String> sentKeys) {
        Set<String> distinct = new LinkedHashSet<>(sentKeys);
        assertThat(distinct).as("the keys of one scenario are distinct").hasSameSizeAs(sentKeys);
        return new CountingInvariant(distinct);
    }

    /**
     * Waits until every sent key is accounted for, then checks the invariant. {@code reported} says whether the far side
     * accepted a report of a key (e.g. {@code key -> SIMULATOR.acceptedReportCount(key) > 0}).
     */
    public void assertHolds(QueueClient queue, Predicate<String> reported, CamelContext context) {
        assertHolds(queue, reported, context, SETTLE);
    }

    /** As {@link #assertHolds(QueueClient, Predicate, CamelContext)}, waiting at most {@code settle} for the keys. */
    public void assertHolds(QueueClient queue, Predicate<String> reported, CamelContext context, Duration settle) {
        try {
            await().atMost(settle).pollInterval(Duration.ofMillis(100))
                    .until(() -> emptyOrGone(queue, QueueClient.INPUT_QUEUE)
                            && unaccounted(reported, deadLettered(queue)).isEmpty());
        } catch (ConditionTimeoutException e) {
            // the assertions below say which keys are missing
        }
        Map<String, String> deadLettered = deadLettered(queue);
        Set<String> reportedKeys = sent.stream().filter(reported).collect(Collectors.toSet());
        Set<String> both = new HashSet<>(reportedKeys);
        both.retainAll(deadLettered.keySet());
        Set<String> strangers = new HashSet<>(deadLettered.keySet());
        strangers.removeAll(sent);

        // keys are masked in the messages: a session key is a secret, also in test output
        assertThat(masked(unaccounted(reported, deadLettered))).as("keys reported nowhere and dead-lettered nowhere")
                .isEmpty();
        assertThat(masked(strangers)).as("dead letters of keys that were not sent").isEmpty();
        assertThat(masked(both)).as("keys both reported and dead-lettered").isEmpty();
        deadLettered.forEach((key, reason) ->
                assertThat(reason).as("reason of the dead letter of %s", SessionKeyMask.mask(key)).isNotBlank());
        assertThat(emptyOrGone(queue, BROKER_DLQ)).as("the broker's own DLQ (messages dropped without a reason) is empty")
                .isTrue();
        assertReady(context);
    }

    /** Readiness of the reporter: every readiness check (SuperOffice reachable, credentials, broker, routes) UP. */
    public static void assertReady(CamelContext context) {
        await("reporter ready").atMost(SETTLE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Collection<HealthCheck.Result> results = HealthCheckHelper.invokeReadiness(context);
            assertThat(results).as("readiness checks").isNotEmpty().allSatisfy(result -> assertThat(result.getState())
                    .as("readiness check %s: %s", result.getCheck().getId(), result.getMessage().orElse(""))
                    .isEqualTo(HealthCheck.State.UP));
        });
    }

    /** Artemis deletes an auto-created queue once it is empty and has no consumer (consumption paused): empty too. */
    private static boolean emptyOrGone(QueueClient queue, String name) {
        try {
            return queue.browse(name).isEmpty();
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof InvalidDestinationException) {
                return true;
            }
            throw e;
        }
    }

    private static Set<String> masked(Set<String> keys) {
        return keys.stream().map(key -> key == null ? "(no body)" : SessionKeyMask.mask(key))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private Set<String> unaccounted(Predicate<String> reported, Map<String, String> deadLettered) {
        return sent.stream().filter(key -> !reported.test(key) && !deadLettered.containsKey(key))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The dead-lettered keys of this scenario with their reasons (a dead letter keeps the original body). */
    private Map<String, String> deadLettered(QueueClient queue) {
        Map<String, String> reasons = new HashMap<>();
        for (Message message : queue.browse(QueueClient.DEAD_LETTER_QUEUE)) {
            String body = bodyOf(message);
            String key = keyOf(body);
            reasons.put(key, QueueClient.property(ReporterHeaders.FAILURE_REASON, String.class).apply(message));
        }
        return reasons;
    }

    /** The bare key, or the sent key inside a JSON body ({"sessionKey":"..."}); otherwise the body itself. */
    private String keyOf(String body) {
        if (body == null || sent.contains(body)) {
            return body;
        }
        return sent.stream().filter(key -> body.contains('"' + key + '"')).findFirst().orElse(body);
    }

    private static String bodyOf(Message message) {
        try {
            if (message instanceof TextMessage text) {
                return text.getText();
            }
            if (message instanceof BytesMessage bytes) {
                byte[] body = new byte[(int) bytes.getBodyLength()];
                bytes.readBytes(body);
                bytes.reset();
                return new String(body, StandardCharsets.UTF_8);
            }
            return null;
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
