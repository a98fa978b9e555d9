package dev.sessionreporter.broker;

import java.nio.file.Path;
import java.util.List;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.ha.SharedStoreBackupPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.SharedStorePrimaryPolicyConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ActiveMQServers;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * An ActiveMQ Artemis broker as its own process, standing in for an operator's external broker in tests: a persistent
 * journal in {@code dataDir} and a CORE TCP acceptor on {@code 127.0.0.1:port}, nothing else (no in-VM acceptor, no
 * JMX). Stops cleanly on SIGTERM; after SIGKILL it is restarted on the same journal and recovers its messages.
 * <pre>java -cp &lt;test classpath&gt; dev.sessionreporter.broker.StandaloneBroker DATA_DIR PORT [primary|backup OTHER_PORT]</pre>
 * With a role it is one half of a shared-store pair: both halves use the same {@code DATA_DIR}, the one holding its
 * file lock serves, the other waits for it (and announces itself through a cluster connection to OTHER_PORT, so that
 * clients learn the pair's topology). Prints {@link #STANDING_BY} once started and {@link #READY} once it serves.
 */
public final class StandaloneBroker {
    public static final String READY = "STANDALONE BROKER READY";
    public static final String STANDING_BY = "STANDALONE BROKER STARTED";

    private StandaloneBroker() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        String role = args.length > 2 ? args[2] : "single";
        Configuration configuration = new ConfigurationImpl()
                .setName("standalone-test-broker-" + role)
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
        if (!role.equals("single")) {
            sharedStore(configuration, role, port, Integer.parseInt(args[3]));
        }
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
        ActiveMQServer broker = ActiveMQServers.newActiveMQServer(configuration);
        broker.registerActivateCallback(new ActivateCallback() {
            @Override
            public void activationComplete() {
                System.out.println(READY + " on 127.0.0.1:" + port);
                System.out.flush();
            }
        });
        broker.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.stop();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "standalone-broker-stop"));
        System.out.println(STANDING_BY + " (" + role + ") on 127.0.0.1:" + port);
        System.out.flush();
        // The broker's own (non-daemon) threads keep the process alive until SIGTERM or SIGKILL.
    }

    /**
     * The shared-store settings of an operator's pair: the primary serves while it holds the journal's lock, the backup
     * takes over when the lock is free (the primary died or stopped) and stays the one serving afterwards.
     */
    private static void sharedStore(Configuration configuration, String role, int port, int otherPort) throws Exception {
        configuration.setHAPolicyConfiguration(role.equals("primary")
                ? new SharedStorePrimaryPolicyConfiguration().setFailoverOnServerShutdown(true)
                : new SharedStoreBackupPolicyConfiguration().setFailoverOnServerShutdown(true).setAllowFailBack(false));
        configuration.addConnectorConfiguration("self", "tcp://127.0.0.1:" + port);
        configuration.addConnectorConfiguration("other", "tcp://127.0.0.1:" + otherPort);
        // the pair's own cluster connection: how the backup announces itself to the primary, and the primary to clients
        configuration.setClusterUser("session-reporter-test-pair").setClusterPassword("session-reporter-test-pair");
        configuration.addClusterConfiguration(new ClusterConnectionConfiguration()
                .setName("session-reporter-test-pair")
                .setConnectorName("self")
                .setStaticConnectors(List.of("other"))
                .setRetryInterval(200));
    }
}
