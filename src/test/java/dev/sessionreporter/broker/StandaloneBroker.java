package dev.sessionreporter.broker;

import java.nio.file.Path;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * An ActiveMQ Artemis broker as its own process, standing in for an operator's external broker in tests: a persistent
 * journal in {@code dataDir} and a CORE TCP acceptor on {@code 127.0.0.1:port}, nothing else (no in-VM acceptor, no
 * JMX). Stops cleanly on SIGTERM; after SIGKILL it is restarted on the same journal and recovers its messages.
 * <pre>java -cp &lt;test classpath&gt; dev.sessionreporter.broker.StandaloneBroker DATA_DIR PORT</pre>
 * Prints {@link #READY} on standard output once it accepts connections.
 */
public final class StandaloneBroker {
    public static final String READY = "STANDALONE BROKER READY";

    private StandaloneBroker() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        Configuration configuration = new ConfigurationImpl()
                .setName("standalone-test-broker")
                .setPersistenceEnabled(true)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dataDir.resolve("journal").toString())
                .setBindingsDirectory(dataDir.resolve("bindings").toString())
                .setLargeMessagesDirectory(dataDir.resolve("large-messages").toString())
                .setPagingDirectory(dataDir.resolve("paging").toString())
                .setNodeManagerLockDirectory(dataDir.toString())
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port + "?protocols=CORE");
        // What an operator's broker.xml would say for the reporter's queues: rolled-back messages come back after a
        // delay and are parked in DLQ after many attempts, never dropped.
        configuration.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of("DLQ"))
                .setExpiryAddress(SimpleString.of("ExpiryQueue"))
                .setAutoCreateDeadLetterResources(true)
                .setRedeliveryDelay(500)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(5_000)
                .setMaxDeliveryAttempts(20));
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(configuration);
        broker.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.stop();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "standalone-broker-stop"));
        System.out.println(READY + " on 127.0.0.1:" + port);
        System.out.flush();
        // The broker's own (non-daemon) threads keep the process alive until SIGTERM or SIGKILL.
    }
}
