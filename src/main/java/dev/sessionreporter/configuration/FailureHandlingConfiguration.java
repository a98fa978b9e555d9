package dev.sessionreporter.configuration;

import dev.sessionreporter.Settings;
import dev.sessionreporter.failure.DeadLetterHeaders;
import dev.sessionreporter.failure.FailureClassifier;
import dev.sessionreporter.failure.RetryLog;
import dev.sessionreporter.secret.SecretRedactor;
import java.util.function.Supplier;
import org.apache.camel.BindToRegistry;
import org.apache.camel.PropertyInject;
import org.apache.camel.model.errorhandler.NoErrorHandlerDefinition;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;

/**
 * Failure handling (reporter.retry.*): the one classifier that names a failure's reason and says whether it is
 * transient, the redelivery policy and retry log of routes/error-handling.camel.yaml, and the reason headers a dead
 * letter carries. The retry durations are checked when they are injected, so a bad value stops the start naming the
 * property: Camel's own redeliveryPolicy options would be read only at the first failure.
 */
public class FailureHandlingConfiguration {
    private final FailureClassifier classifier = new FailureClassifier();
    private final Supplier<SecretRedactor> secrets;
    private int maximumRedeliveries;
    private long redeliveryDelayMillis;
    private double backOffMultiplier;
    private long maximumRedeliveryDelayMillis;

    /** @param secrets masks every configured secret in what a retry log line or a dead letter says */
    public FailureHandlingConfiguration(Supplier<SecretRedactor> secrets) {
        this.secrets = secrets;
    }

    @PropertyInject("reporter.retry.maximum-redeliveries")
    public void maximumRedeliveries(String text) {
        maximumRedeliveries = Settings.nonNegativeInt("reporter.retry.maximum-redeliveries", text);
    }

    @PropertyInject("reporter.retry.redelivery-delay")
    public void redeliveryDelay(String text) {
        redeliveryDelayMillis = Settings.nonNegativeMillis("reporter.retry.redelivery-delay", text);
    }

    @PropertyInject("reporter.retry.back-off-multiplier")
    public void backOffMultiplier(String text) {
        backOffMultiplier = Settings.atLeastOne("reporter.retry.back-off-multiplier", text);
    }

    @PropertyInject("reporter.retry.maximum-redelivery-delay")
    public void maximumRedeliveryDelay(String text) {
        maximumRedeliveryDelayMillis = Settings.millis("reporter.retry.maximum-redelivery-delay", text);
    }

    @BindToRegistry("sessionReporterFailureClassifier")
    public FailureClassifier failureClassifier() {
        return classifier;
    }

    @BindToRegistry("sessionReporterDeadLetterHeaders")
    public DeadLetterHeaders deadLetterHeaders() {
        return new DeadLetterHeaders(classifier, secrets.get());
    }

    /** The retries of transient failures (routes/error-handling.camel.yaml, redeliveryPolicyRef). */
    @BindToRegistry("sessionReporterTransientFailureRedelivery")
    public RedeliveryPolicy transientFailureRedelivery() {
        return new RedeliveryPolicy()
                .maximumRedeliveries(maximumRedeliveries)
                .redeliveryDelay(redeliveryDelayMillis)
                .useExponentialBackOff()
                .backOffMultiplier(backOffMultiplier)
                .maximumRedeliveryDelay(maximumRedeliveryDelayMillis)
                // each retry is logged by transientFailureRetryLog, which names the cause
                .logRetryAttempted(false)
                .logStackTrace(false)
                .logRetryStackTrace(false)
                .logExhausted(false);
    }

    /** The WARN line before each retry of transient failures (routes/error-handling.camel.yaml, onRedeliveryRef). */
    @BindToRegistry("sessionReporterTransientFailureRetryLog")
    public RetryLog transientFailureRetryLog() {
        return new RetryLog(classifier, secrets.get());
    }

    /**
     * The trigger routes' error handler (routes/triggers.camel.yaml, the templates' errorHandler): none, a failure the
     * report step lets through goes back to the trigger, so a queue message is rolled back to its queue.
     */
    @BindToRegistry("sessionReporterPropagateFailures")
    public NoErrorHandlerDefinition propagateFailures() {
        return new NoErrorHandlerDefinition();
    }

    FailureClassifier classifier() {
        return classifier;
    }
}
