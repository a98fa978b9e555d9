package dev.sessionreporter.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The broker user of the {@code send} and {@code redrive} commands: the reporter's own {@code broker.username} and
 * {@code broker.password}, from -D, else the environment ({@code BROKER_USERNAME}, {@code BROKER_PASSWORD}), else the
 * secrets file ({@code SESSION_REPORTER_SECRETS_FILE}), in the reporter's order. Never from the command line, where
 * every user of the machine could read the password.
 */
record BrokerCredentials(String username, String password) {
    static final String USERNAME = "broker.username";
    static final String PASSWORD = "broker.password";

    static BrokerCredentials fromEnvironment() {
        Properties secrets = secretsFile();
        return new BrokerCredentials(setting(USERNAME, secrets), setting(PASSWORD, secrets));
    }

    /** A client of {@code brokerUrl} that logs in as this user, or anonymously when no user is set. */
    ActiveMQConnectionFactory connectionFactory(String brokerUrl) {
        return username == null ? new ActiveMQConnectionFactory(brokerUrl)
                : new ActiveMQConnectionFactory(brokerUrl, username, password);
    }

    private static String setting(String property, Properties secrets) {
        return Optional.ofNullable(System.getProperty(property))
                .or(() -> Optional.ofNullable(System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_'))))
                .or(() -> Optional.ofNullable(secrets.getProperty(property)))
                .map(String::strip).filter(value -> !value.isEmpty())
                .orElse(null);
    }

    private static Properties secretsFile() {
        Properties secrets = new Properties();
        Optional.ofNullable(System.getProperty("session-reporter.secrets-file"))
                .or(() -> Optional.ofNullable(System.getenv("SESSION_REPORTER_SECRETS_FILE")))
                .map(String::strip).filter(file -> !file.isEmpty())
                .ifPresent(file -> {
                    try (InputStream in = Files.newInputStream(Path.of(file))) {
                        secrets.load(in);
                    } catch (IOException e) {
                        throw new UncheckedIOException("Cannot read the secrets file " + file, e);
                    }
                });
        return secrets;
    }
}
