package dev.sessionreporter.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The options of one operator command: {@code --name value} or {@code --name=value}, each name one of the command's;
 * {@code --help} (or {@code -h}) asks for the usage. Anything else is a {@link WrongArguments} whose message is the one
 * line the command prints before its usage.
 */
public final class CommandOptions {
    private final Map<String, List<String>> values;
    private final boolean help;

    private CommandOptions(Map<String, List<String>> values, boolean help) {
        this.values = values;
        this.help = help;
    }

    /** Parses {@code args}, which may only hold the given options (each with a value) and {@code --help}. */
    public static CommandOptions parse(String[] args, List<String> options) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                return new CommandOptions(Map.of(), true);
            }
            String value = null;
            int equals = option.indexOf('=');
            if (option.startsWith("--") && equals > 0) {
                value = option.substring(equals + 1);
                option = option.substring(0, equals);
            }
            if (!options.contains(option)) {
                throw new WrongArguments(option.startsWith("-") ? "unknown option " + option
                        : "unexpected argument " + option + " (options: " + String.join(", ", options) + ")");
            }
            if (value == null) {
                value = i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : null;
            }
            if (value == null || value.isBlank()) {
                throw new WrongArguments(option + " needs a value");
            }
            values.computeIfAbsent(option, name -> new ArrayList<>()).add(value.strip());
        }
        return new CommandOptions(values, false);
    }

    /** {@code --help} was given: print the usage, do nothing else. */
    public boolean help() {
        return help;
    }

    /** The last value given for {@code option}. */
    public Optional<String> value(String option) {
        List<String> given = values.getOrDefault(option, List.of());
        return given.isEmpty() ? Optional.empty() : Optional.of(given.get(given.size() - 1));
    }

    /** Every value given for a repeatable {@code option}, in order. */
    public List<String> values(String option) {
        return values.getOrDefault(option, List.of());
    }

    /** A whole number of at least 0 for {@code option}, or {@code absent}. */
    public int count(String option, int absent) {
        Optional<String> text = value(option);
        if (text.isEmpty()) {
            return absent;
        }
        try {
            int number = Integer.parseInt(text.get());
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // the same one line as a negative number
        }
        throw new WrongArguments(option + " must be a whole number of at least 0, not " + text.get());
    }

    /** Wrong arguments: the command prints this one line and its usage, and exits with 2. */
    public static final class WrongArguments extends IllegalArgumentException {
        public WrongArguments(String message) {
            super(message);
        }
    }
}
