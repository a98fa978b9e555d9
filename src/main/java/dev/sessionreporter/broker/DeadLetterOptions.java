package dev.sessionreporter.broker;

import dev.sessionreporter.command.CommandOptions;
import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReporterHeaders;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The options the dead-letter commands ({@code redrive}, {@code dead-letters}) share: which messages ({@code --reason},
 * {@code --max}) on which broker ({@code --broker}).
 *
 * @param reason the reason to select, {@code null} for all
 * @param max    at most this many messages, 0 for all
 */
record DeadLetterOptions(CommandOptions options, FailureReason reason, int max, String broker) {

    /** Parses {@code args}; {@code own} are the command's other options. */
    static DeadLetterOptions parse(String[] args, List<String> own) {
        List<String> all = new java.util.ArrayList<>(List.of("--reason", "--max", "--broker"));
        all.addAll(own);
        CommandOptions options = CommandOptions.parse(args, all);
        FailureReason reason;
        try {
            reason = options.value("--reason").map(name -> FailureReason.valueOf(name.toUpperCase(Locale.ROOT)))
                    .orElse(null);
        } catch (IllegalArgumentException e) {
            throw new CommandOptions.WrongArguments("--reason must be one of " + String.join(", ", reasonNames()));
        }
        return new DeadLetterOptions(options, reason, options.count("--max", 0),
                options.value("--broker").orElse(SendSessionKeys.DEFAULT_BROKER));
    }

    boolean help() {
        return options.help();
    }

    /** The JMS selector of the chosen reason; {@code null} (all) without one. */
    String selector() {
        return selector(reason);
    }

    static String selector(FailureReason reason) {
        return reason == null ? null : ReporterHeaders.FAILURE_REASON + " = '" + reason.name() + "'";
    }

    /** " with reason R", or nothing. */
    String withReason() {
        return reason == null ? "" : " with reason " + reason;
    }

    static List<String> reasonNames() {
        return Arrays.stream(FailureReason.values()).map(Enum::name).toList();
    }
}
