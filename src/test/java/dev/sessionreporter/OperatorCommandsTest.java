package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.secret.SessionKeyMask;
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
 * The jar's commands ({@code run}, {@code send}, {@code redrive}, {@code dead-letters}, {@code simulator}) with help and
 * wrong arguments, against a live broker: help is printed, a wrong argument is one clear line and exit code 2, and
 * nothing lands on the queue; the dead-letter listing shows masked headers and leaves the queue as it is.
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
    void deadLettersListsTheMaskedHeadersOfEachMessageAndLeavesThemOnTheQueue() {
        String key = TestSecrets.sessionKey("k5");
        queue().send(QueueClient.DEAD_LETTER_QUEUE, session -> {
            var message = session.createTextMessage(key);
            message.setStringProperty(ReporterHeaders.FAILURE_REASON, "SESSION_NOT_FOUND");
            message.setStringProperty(ReporterHeaders.MASKED_SESSION_KEY, SessionKeyMask.mask(key));
            message.setIntProperty(ReporterHeaders.ATTEMPTS, 1);
            message.setStringProperty(ReporterHeaders.ROUTE_ID, "session-reporter-queue-trigger");
            message.setStringProperty(ReporterHeaders.FAILURE_DETAIL, "Response=0: the server does not know this session");
            return message;
        });
        queue().send(QueueClient.DEAD_LETTER_QUEUE, session -> {
            var message = session.createTextMessage(TestSecrets.sessionKey("k6"));
            message.setStringProperty(ReporterHeaders.FAILURE_REASON, "UNREACHABLE");
            return message;
        });

        CommandResult all = runCommand("dead-letters", "--broker", brokerUrl());
        CommandResult notFound = runCommand("dead-letters", "--reason", "session_not_found", "--broker", brokerUrl());

        assertThat(all.exitCode()).isZero();
        assertThat(all.output()).contains("2 dead-lettered message(s) on " + QueueClient.DEAD_LETTER_QUEUE);
        assertThat(notFound.output().lines()).hasSize(2);
        assertThat(notFound.output().lines().findFirst().orElseThrow())
                .contains("SESSION_NOT_FOUND", "session " + SessionKeyMask.mask(key), "attempts=1",
                        "route=session-reporter-queue-trigger", "Response=0: the server does not know this session");
        // the body holds the full key: never printed
        assertThat(all.output() + all.errors()).doesNotContain(key, TestSecrets.sessionKey("k6"));
        assertThat(queue().browse(QueueClient.DEAD_LETTER_QUEUE)).hasSize(2);
        queue().drain(QueueClient.DEAD_LETTER_QUEUE);
    }

    @Test
    void deadLettersRefusesAnUnknownOptionAndAWrongReason() {
        CommandResult option = runCommand("dead-letters", "--queu", "x", "--broker", brokerUrl());
        CommandResult reason = runCommand("dead-letters", "--reason", "GONE", "--broker", brokerUrl());

        assertThat(option.exitCode()).isEqualTo(2);
        assertThat(option.errors()).startsWith("dead-letters: unknown option --queu\n").contains("usage: dead-letters");
        assertThat(reason.exitCode()).isEqualTo(2);
        assertThat(reason.errors()).startsWith("dead-letters: --reason must be one of INVALID_INPUT, SESSION_NOT_FOUND");
    }

    @Test
    void simulatorRefusesUnknownOptionsAndStartsNotWithoutATicket() {
        CommandResult option = runCommand("simulator", "--prot", "8089", "--ticket", "7T:x");
        CommandResult session = runCommand("simulator", "--ticket", "7T:x", "--session", "key-without-login-id");
        CommandResult help = runCommand("simulator", "--help");

        assertThat(option.exitCode()).isEqualTo(2);
        assertThat(option.errors()).startsWith("simulator: unknown option --prot\n");
        assertThat(session.exitCode()).isEqualTo(2);
        assertThat(session.errors()).startsWith("simulator: --session expects KEY=LOGINID");
        assertThat(help.exitCode()).isZero();
        assertThat(help.output()).contains("usage: simulator", "--port N", "--ticket TICKET", "--session KEY=LOGINID",
                "exit codes: 0 stopped");
    }

    @Test
    void runRefusesAnyOption() {
        CommandResult run = runCommand("run", "--profile", "prod");
        CommandResult withoutCommand = runCommand("-duration", "5");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errors()).startsWith("run: unknown option --profile (settings come from");
        assertThat(withoutCommand.exitCode()).isEqualTo(2);
        assertThat(withoutCommand.errors()).startsWith("run: unknown option -duration");
    }

    @Test
    void jarHelpListsTheCommandsWithTheirOptionsAndExitCodes() {
        CommandResult help = runCommand("--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.output()).contains("usage: java -jar session-reporter.jar",
                "commands: run (the default), send, redrive, dead-letters, simulator", "usage: send", "usage: redrive",
                "usage: dead-letters", "usage: simulator", "--broker URL", "--reason REASON", "exit codes: 0 sent",
                "exit codes: 0 done", "exit codes: 0 listed", "exit codes: 0 stopped", "cannot start");
    }

    @Test
    void jarRefusesAnUnknownCommand() {
        CommandResult mistyped = runCommand("sedn", TestSecrets.sessionKey("k4"));

        assertThat(mistyped.exitCode()).isEqualTo(2);
        assertThat(mistyped.errors()).startsWith("session-reporter: unknown command sedn\n").contains("usage: send");
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
