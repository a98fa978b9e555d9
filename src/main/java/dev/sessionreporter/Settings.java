package dev.sessionreporter;

import dev.sessionreporter.soap.PlainHttp;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import org.apache.camel.util.TimeUtils;

/** Checks of configuration values that fail start-up with one message naming the property and its variable. */
public final class Settings {
    /** Our JMS component (prefixed, so that a host's own {@code jms} component is left alone). */
    public static final String JMS_SCHEME = "session-reporter-jms:";

    private Settings() {
    }

    /**
     * A queue or dead-letter URI on the plain {@code jms:} component would make Camel create a component without a
     * connection factory, which fails at the first message: refuse it at start-up, naming ours.
     */
    public static void requireOwnJmsComponent(String property, String uri) {
        if (uri != null && uri.strip().startsWith("jms:")) {
            throw new StartupConfigurationException("Property " + property + " (environment variable "
                    + environmentVariable(property) + ") uses the component jms:, which this application does not "
                    + "define: its JMS component is " + JMS_SCHEME + " (e.g. " + JMS_SCHEME
                    + uri.strip().substring("jms:".length()).replaceFirst("\\?.*$", "") + ")");
        }
    }

    /**
     * A setting that needs an optional dependency of the runnable jar ({@code artifactId}, a Camel component, providing
     * {@code className}) refuses the start when a host's classpath lacks it, instead of failing at first use.
     */
    public static void requireOptionalDependency(String property, String className, String artifactId) {
        try {
            Class.forName(className, false, Settings.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new StartupConfigurationException("Property " + property + " is set, but " + artifactId
                    + " is not on the classpath: use the runnable jar, or add org.apache.camel:" + artifactId
                    + " (README \"Scale out\")");
        }
    }

    public static void require(String property, String value) {
        if (value == null || value.isBlank()) {
            throw new StartupConfigurationException("Missing required property " + property + " (set it in application.properties, in Karaf etc/dev.sessionreporter.cfg, or as environment variable " + environmentVariable(property) + ")");
        }
    }

    public static void requireHttpUrl(String property, String value) {
        try {
            URI uri = URI.create(value.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new StartupConfigurationException("Property " + property + " must be an http:// or https:// URL such as "
                + "https://online.superoffice.com/Cust12345/Remote/Services88/CustomerService.svc");
    }

    /**
     * Plain http:// leaks the token and ticket (or the login's credentials) to the network: only to this machine, unless
     * explicitly allowed. Decided on the addresses the host name resolves to, never on its text: a name such as
     * 127.0.0.1.example.com is another machine.
     */
    public static void requireHttpsUnlessLoopback(String property, String value) {
        PlainHttp.refusal(value).ifPresent(refusal -> {
            throw new StartupConfigurationException("Property " + property + " uses " + refusal + ": the application "
                    + "token and ticket would travel unencrypted. Use https://, or set superoffice.allow-insecure-http=true "
                    + "(SUPEROFFICE_ALLOW_INSECURE_HTTP) if you really mean it");
        });
    }

    /**
     * The one duration syntax of every duration property: plain milliseconds, or Camel's duration text (what
     * {@link TimeUtils#toMilliSeconds} reads, which Camel's endpoint options of type long and Duration also read) with
     * the units in this order and no spaces: 500ms, 3s, 5m, 1h30m, 1d. TimeUtils alone takes a typo such as "5 sec" or
     * "1m30" for 0 or a part of it; checked against this first.
     */
    private static final java.util.regex.Pattern DURATION =
            java.util.regex.Pattern.compile("\\d+|(?=\\d)(\\d+d)?(\\d+h)?(\\d+m(?!s))?(\\d+s)?(\\d+ms)?");
    public static final String DURATION_SYNTAX = "milliseconds or a duration such as 500ms, 3s, 5m or 1h30m";

    public static long millis(String property, String value) {
        long millis = durationMillis(property, value);
        if (millis > 0) {
            return millis;
        }
        throw new StartupConfigurationException("Property " + property + " must be more than 0: " + DURATION_SYNTAX
                + " (environment variable " + environmentVariable(property) + "), not '" + value + "'");
    }

    /** A duration that may be zero (e.g. to switch something off). */
    public static long nonNegativeMillis(String property, String value) {
        return durationMillis(property, value);
    }

    private static long durationMillis(String property, String value) {
        String text = value == null ? "" : value.strip();
        if (DURATION.matcher(text).matches()) {
            try {
                return TimeUtils.toMilliSeconds(text);
            } catch (NumberFormatException e) {
                // too large: reported below
            }
        }
        throw new StartupConfigurationException("Property " + property + " must be " + DURATION_SYNTAX
                + " (environment variable " + environmentVariable(property) + "), not '" + value + "'");
    }

    private static final java.util.regex.Pattern SIZE =
            java.util.regex.Pattern.compile("(\\d{1,10})(KB|MB)?", java.util.regex.Pattern.CASE_INSENSITIVE);

    /** A size in bytes, more than 0: a number of bytes, or with KB or MB (1024 and 1024 x 1024 bytes), e.g. 64KB. */
    public static long bytes(String property, String value) {
        java.util.regex.Matcher size = SIZE.matcher(value == null ? "" : value.strip());
        if (size.matches()) {
            String unit = size.group(2) == null ? "" : size.group(2).toUpperCase(Locale.ROOT);
            long bytes = Long.parseLong(size.group(1)) * (unit.equals("MB") ? 1024 * 1024 : unit.equals("KB") ? 1024 : 1);
            if (bytes > 0 && bytes <= Integer.MAX_VALUE) {
                return bytes;
            }
        }
        throw new StartupConfigurationException("Property " + property + " must be a size of more than 0 such as 65536,"
                + " 64KB or 1MB (environment variable " + environmentVariable(property) + "), not '" + value + "'");
    }

    /** A whole number, 0 or more (e.g. a count of retries). */
    public static int nonNegativeInt(String property, String value) {
        return wholeNumber(property, value, 0, Integer.MAX_VALUE, "a whole number, 0 or more");
    }

    /** A whole number from {@code min} to {@code max}; {@code expected} says so in the error. */
    public static int wholeNumber(String property, String value, int min, int max, String expected) {
        try {
            int number = Integer.parseInt(value.strip());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new StartupConfigurationException("Property " + property + " must be " + expected + " (environment"
                + " variable " + environmentVariable(property) + "), not '" + value + "'");
    }

    /** A factor of 1 or more (e.g. 2 or 1.5). */
    public static double atLeastOne(String property, String value) {
        try {
            double number = Double.parseDouble(value.strip());
            if (number >= 1) {
                return number;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new StartupConfigurationException("Property " + property + " must be a number of 1 or more such as 2 or 1.5"
                + " (environment variable " + environmentVariable(property) + "), not '" + value + "'");
    }

    /** Exactly one of the allowed words. */
    public static void oneOf(String property, String value, String... allowed) {
        String given = value == null ? "" : value;
        for (String word : allowed) {
            if (word.equals(given)) {
                return;
            }
        }
        throw new StartupConfigurationException("Property " + property + " must be one of " + String.join(", ", allowed)
                + " (environment variable " + environmentVariable(property) + "), not '" + given + "'");
    }

    public static java.time.Duration duration(String property, String value) {
        return java.time.Duration.ofMillis(millis(property, value));
    }

    /**
     * The queue of a camel-jms endpoint URI ({@code session-reporter-jms:queue:name?options}, {@code session-reporter-jms:name}); empty for a topic,
     * a temporary destination or another component.
     */
    public static Optional<String> jmsQueueName(String uri) {
        if (uri == null || !uri.strip().startsWith(JMS_SCHEME)) {
            return Optional.empty();
        }
        String destination = uri.strip().substring(JMS_SCHEME.length()).replaceFirst("^//", "").replaceFirst("\\?.*$", "");
        if (destination.startsWith("queue:")) {
            destination = destination.substring("queue:".length());
        } else if (destination.contains(":")) {
            return Optional.empty();
        }
        return destination.isBlank() ? Optional.empty() : Optional.of(destination);
    }

    public static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    /** scheme://host[:port] of a URL, e.g. https://online3.superoffice.com for the Online login endpoints. */
    public static java.security.PrivateKey privateKey(String property, String file) {
        try {
            return dev.sessionreporter.auth.SystemUserLogin.readPrivateKey(java.nio.file.Path.of(file.strip()));
        } catch (IllegalArgumentException e) {
            throw new StartupConfigurationException("Property " + property + ": " + e.getMessage());
        }
    }

    public static Integer optionalInt(String property, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw new StartupConfigurationException("Property " + property + " must be an integer (a SuperOffice time zone id)");
        }
    }

    public static String environmentVariable(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
