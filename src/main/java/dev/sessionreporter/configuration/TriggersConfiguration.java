package dev.sessionreporter.configuration;

import dev.sessionreporter.RequiredRoutes;
import dev.sessionreporter.Settings;
import dev.sessionreporter.StartupConfigurationException;
import dev.sessionreporter.cluster.SharedDuplicateWindow;
import dev.sessionreporter.duplicate.ExpiringIdempotentRepository;
import dev.sessionreporter.duplicate.QueueDuplicates;
import dev.sessionreporter.duplicate.TimerKeyMark;
import dev.sessionreporter.input.SessionKeyInput;
import dev.sessionreporter.input.TimerSessionKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two ways a key comes in (reporter.timer.*, reporter.queue.*, reporter.dead-letter.uri) and the duplicate window
 * between them (reporter.duplicates.window): the timer's keys and the secret that marks them on the queue, the queue
 * route's duplicate suppression, the checks of the queue URIs and of the timer's target, and the refusal to start
 * without the routes these settings switch on (routes/triggers.camel.yaml).
 */
public class TriggersConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(TriggersConfiguration.class);

    @PropertyInject("reporter.timer.session-keys")
    String timerSessionKeys;
    @PropertyInject("reporter.timer.session-keys-file")
    String timerSessionKeysFile;
    @PropertyInject("reporter.timer.target")
    String timerTarget;
    @PropertyInject("reporter.timer.queue-secret")
    String timerQueueSecret;
    /** Text, read once PlaceholderChecks has found it true or false: as a boolean a typo would fail naming nothing. */
    @PropertyInject("reporter.timer.enabled")
    String timerEnabled;
    /** Text, like reporter.timer.enabled. */
    @PropertyInject("reporter.queue.enabled")
    String queueEnabled;
    @PropertyInject("reporter.queue.uri")
    String queueUri;
    @PropertyInject("reporter.dead-letter.uri")
    String deadLetterUri;
    @PropertyInject("reporter.duplicates.jdbc.url")
    String duplicatesJdbcUrl;
    @PropertyInject("reporter.duplicates.jdbc.username")
    String duplicatesJdbcUsername;
    @PropertyInject("reporter.duplicates.jdbc.password")
    String duplicatesJdbcPassword;
    private long timerPeriodMillis;
    private Duration duplicatesWindow;
    private QueueDuplicates queueDuplicates;

    @PropertyInject("reporter.timer.period")
    public void timerPeriod(String text) {
        timerPeriodMillis = Settings.millis("reporter.timer.period", text);
    }

    @PropertyInject("reporter.duplicates.window")
    public void duplicatesWindow(String text) {
        duplicatesWindow = Duration.ofMillis(Settings.nonNegativeMillis("reporter.duplicates.window", text));
    }

    @BindToRegistry("sessionReporterSessionKeyInput")
    public SessionKeyInput sessionKeyInput() {
        return new SessionKeyInput();
    }

    @BindToRegistry("sessionReporterTimerSessionKeys")
    public TimerSessionKeys timerSessionKeys() {
        return new TimerSessionKeys(timerSessionKeys, timerSessionKeysFile);
    }

    /** Marks the timer's keys on the queue (reporter.timer.target=queue) and tells them from keys other senders mark. */
    @BindToRegistry("sessionReporterTimerKeyMark")
    public TimerKeyMark timerKeyMark() {
        return new TimerKeyMark(timerQueueSecret, timerPeriodMillis, Clock.systemUTC());
    }

    /**
     * Queue arrivals of a key within reporter.duplicates.window; used by the queue trigger's idempotentConsumer. In
     * this instance's memory, or with reporter.duplicates.jdbc.url in a database every instance shares.
     */
    @BindToRegistry("sessionReporterRecentQueuedSessionKeys")
    public IdempotentRepository recentQueuedSessionKeys() {
        if (duplicatesJdbcUrl.isBlank()) {
            return new ExpiringIdempotentRepository(duplicatesWindow);
        }
        if (!duplicatesJdbcUrl.startsWith("jdbc:")) {
            throw new StartupConfigurationException("Property reporter.duplicates.jdbc.url (environment variable "
                    + Settings.environmentVariable("reporter.duplicates.jdbc.url") + ") must be blank or a JDBC URL "
                    + "(jdbc:...)");
        }
        Settings.requireOptionalDependency("reporter.duplicates.jdbc.url",
                "org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository", "camel-sql");
        // the instances that share a queue share its window
        return SharedDuplicateWindow.inDatabase(duplicatesJdbcUrl, duplicatesJdbcUsername, duplicatesJdbcPassword,
                Settings.jmsQueueName(queueUri).orElse("session-reporter"), duplicatesWindow);
    }

    @BindToRegistry("sessionReporterQueueDuplicates")
    public QueueDuplicates queueDuplicates() {
        if (queueDuplicates == null) {
            queueDuplicates = new QueueDuplicates(new SessionKeyInput(), duplicatesWindow);
        }
        return queueDuplicates;
    }

    /** The queues of this instance's broker whose depth is worth watching: the queue and the dead letters. */
    List<String> queueNames() {
        return List.of(queueUri, deadLetterUri).stream().map(Settings::jmsQueueName).flatMap(Optional::stream).toList();
    }

    /** Checks what the bean methods could not yet: the two switches are known to be true or false by now. */
    @Override
    public void configure(CamelContext camelContext) throws Exception {
        Settings.requireOwnJmsComponent("reporter.queue.uri", queueUri);
        Settings.requireOwnJmsComponent("reporter.dead-letter.uri", deadLetterUri);
        boolean timer = Boolean.parseBoolean(timerEnabled.strip());
        checkTimerQueueSecret(timer && "queue".equals(timerTarget));
        if ("queue".equals(timerTarget) && !Boolean.parseBoolean(queueEnabled.strip())) {
            LOG.warn("reporter.timer.target=queue but reporter.queue.enabled=false: this instance's timer keys are only "
                    + "reported by other instances that consume the queue");
        }
        camelContext.addStartupListener(new RequiredRoutes(timer, queueUri));
    }

    /** reporter.timer.queue-secret: required to put timer keys on the queue, never short (see TimerKeyMark). */
    private void checkTimerQueueSecret(boolean queuesTimerKeys) {
        if ((queuesTimerKeys && timerQueueSecret.isBlank())
                || (!timerQueueSecret.isBlank() && timerQueueSecret.length() < TimerKeyMark.MIN_SECRET_LENGTH)) {
            throw new StartupConfigurationException("Property reporter.timer.queue-secret (environment variable "
                    + Settings.environmentVariable("reporter.timer.queue-secret") + ") must be " + (queuesTimerKeys
                    ? "set with reporter.timer.target=queue: " : "blank or ")
                    + "a text of at least " + TimerKeyMark.MIN_SECRET_LENGTH + " characters, the same on every instance "
                    + "that shares the queue. It marks the timer's keys so that no other sender can pass a key off as "
                    + "one (README \"Scale out\")");
        }
    }
}
