package dev.sessionreporter.jar;

import dev.sessionreporter.support.TestSecrets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment of a jar started in the prod profile (no built-in simulator) against a SuperOffice simulator the
 * test runs, with its embedded broker on {@code brokerPort} and its journal in {@code brokerDataDir}; queue input only.
 */
public final class ProdEnvironment {
    private ProdEnvironment() {
    }

    /** A mutable map: add or replace variables for the case at hand. */
    public static Map<String, String> of(String superOfficeUrl, int brokerPort, Path brokerDataDir) {
        Map<String, String> environment = new HashMap<>();
        environment.put("CAMEL_MAIN_PROFILE", "prod");
        // address and credentials: the test's simulator
        environment.put("SUPEROFFICE_URL", superOfficeUrl);
        environment.put("SUPEROFFICE_APPLICATION_TOKEN", TestSecrets.APPLICATION_TOKEN);
        environment.put("SUPEROFFICE_TICKET", TestSecrets.TICKET);
        // port and folder of this jar alone
        environment.put("BROKER_EMBEDDED_PORT", Integer.toString(brokerPort));
        environment.put("BROKER_EMBEDDED_DATA_DIR", brokerDataDir.toString());
        // queue input only: the tests count the calls of the keys they queue
        environment.put("REPORTER_TIMER_ENABLED", "false");
        // 4 consumers: the tests hold a known number of keys in flight (shipped: 32, ShippedSettingsIT)
        environment.put("REPORTER_QUEUE_CONCURRENT_CONSUMERS", "4");
        return environment;
    }
}
