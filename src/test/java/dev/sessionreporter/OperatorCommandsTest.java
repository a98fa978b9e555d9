package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The jar's commands {@code send} and {@code redrive} with help and wrong arguments, against a live broker: help is
 * printed, a wrong argument is one clear line and exit code 2, and nothing lands on the queue.
 */
class OperatorCommandsTest extends ReporterTestSupport {

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // nothing consumes the input queue: whatever a command put there stays to be seen
        properties.setProperty("reporter.queue.enabled", "false");
        return properties;
    }

    @AfterEach
    void emptyTheQueue() {
        queue().drain(QueueClient.INPUT_QUEUE);
    }

    @Test
    void sendHelpPrintsTheUsageAndSendsNothing() {
        CommandResult help = runCommand("send", "--help", "--broker", brokerUrl());

        assertThat(help.exitCode()).isZero();
        assertThat(help.output()).contains("usage: send", "--broker URL", "--queue NAME", "exit codes");
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).isEmpty();
    }

    @Test
    void sendWithAnOptionLackingItsValueIsAClearErrorAndSendsNothing() {
        CommandResult send = runCommand("send", TestSecrets.sessionKey("k1"), "--broker");

        assertThat(send.exitCode()).isEqualTo(2);
        assertThat(send.errors()).startsWith("send: --broker needs a value").contains("usage: send")
                .doesNotContain("Exception");
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).isEmpty();
    }

    @Test
    void sendRefusesAnUnknownOptionAndSendsNothing() {
        CommandResult send = runCommand("send", "--brokr", brokerUrl(), TestSecrets.sessionKey("k2"));

        assertThat(send.exitCode()).isEqualTo(2);
        assertThat(send.errors()).startsWith("send: unknown option --brokr");
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).isEmpty();
    }

    @Test
    void sendStillSendsKeysAfterItsOptions() {
        CommandResult send = runCommand("send", "--broker", brokerUrl(), "--", TestSecrets.sessionKey("k3"));

        assertThat(send.exitCode()).isZero();
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).hasSize(1);
    }

    @Test
    void redriveHelpPrintsTheUsageAndMovesNothing() {
        CommandResult help = runCommand("redrive", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.output()).contains("usage: redrive", "--reason REASON", "UNREACHABLE", "--max N", "exit codes");
    }

    @Test
    void redriveRefusesAnUnknownOption() {
        CommandResult redrive = runCommand("redrive", "--resaon", "UNREACHABLE", "--broker", brokerUrl());

        assertThat(redrive.exitCode()).isEqualTo(2);
        assertThat(redrive.errors()).startsWith("redrive: unknown option --resaon");
    }

    @Test
    void jarHelpListsTheCommandsWithTheirOptionsAndExitCodes() {
        CommandResult help = runCommand("--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.output()).contains("usage: java -jar session-reporter.jar", "usage: send", "usage: redrive",
                "--broker URL", "--reason REASON", "exit codes: 0 sent", "exit codes: 0 done", "cannot start");
    }

    @Test
    void jarRefusesAnUnknownCommand() {
        CommandResult mistyped = runCommand("sedn", TestSecrets.sessionKey("k4"));

        assertThat(mistyped.exitCode()).isEqualTo(2);
        assertThat(mistyped.errors()).startsWith("Unknown command sedn").contains("usage: send");
    }

    private String brokerUrl() {
        return "tcp://127.0.0.1:" + brokerPort;
    }

    private record CommandResult(int exitCode, String output, String errors) {
    }

    /** Runs {@code java -jar session-reporter.jar ARGS} in this JVM: the same dispatch, without System.exit. */
    private static synchronized CommandResult runCommand(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(output, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
            int exitCode = SessionReporterApplication.run(args);
            return new CommandResult(exitCode, output.toString(StandardCharsets.UTF_8), errors.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
