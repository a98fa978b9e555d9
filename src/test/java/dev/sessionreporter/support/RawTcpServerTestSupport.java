package dev.sessionreporter.support;

import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The real application against a misbehaving {@link RawTcpServer} instead of the simulator: one server per test class,
 * its records cleared before each test; each test sets the server's behaviour.
 */
public abstract class RawTcpServerTestSupport extends ReporterTestSupport {
    // Assigned while the super constructor asks for the override properties; no initializer, so it stays set.
    protected RawTcpServer server;

    @Override
    protected final Properties extraProperties() {
        server = new RawTcpServer(RawTcpServer.resetAfterRequest());
        Properties properties = new Properties();
        // the far side is the misbehaving TCP server, not the simulator
        properties.setProperty("superoffice.url", server.url("http"));
        properties.putAll(moreProperties());
        return properties;
    }

    /** Further properties a test class changes; like {@link #extraProperties()}, it must not read instance fields. */
    protected Properties moreProperties() {
        return new Properties();
    }

    @BeforeEach
    void clearServer() {
        server.clear();
    }

    @AfterAll
    void stopServer() {
        server.close();
    }
}
