package dev.sessionreporter.broker;

import dev.sessionreporter.StartupConfigurationException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ActiveMQ Artemis broker that runs inside the reporter's JVM when no external {@code broker.url} is configured:
 * a persistent journal, an in-VM acceptor for the reporter itself and a TCP acceptor (loopback by default) so other
 * processes can send session keys. Managed by Camel: started before the routes, stopped after them.
 * <p>
 * With {@code broker.username} and {@code broker.password} set, the broker accepts that one user only (in-VM and TCP)
 * and the user may do everything. Without them it accepts anyone, which is allowed only on a loopback acceptor: the
 * dead-letter queue holds full session keys.
 */
public class EmbeddedBroker extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    private static final AtomicInteger IN_VM_IDS = new AtomicInteger();
    /**
     * How long a starting broker waits for its journal's lock: another live broker holding it (a second reporter started
     * with the same data directory) made the start wait for ever, silently; one that is just stopping releases it
     * within this time.
     */
    static final long JOURNAL_LOCK_TIMEOUT_MILLIS = 10_000;
    /** The files Artemis's file-lock node manager locks in the node-manager lock directory (the data directory). */
    private static final String[] SERVER_LOCK_FILES = {"server.lock", "serverlock.1", "serverlock.2"};
    /** The one role, of the one user: every permission on every address. */
    private static final String ROLE = "session-reporter";

    private final String host;
    private final int port;
    private final Path dataDir;
    private final int maxDeliveryAttempts;
    private final int journalBufferTimeoutMicros;
    private final String username;
    private final String password;
    private final int inVmId = IN_VM_IDS.incrementAndGet();
    private volatile EmbeddedActiveMQ broker;
    private CompletableFuture<EmbeddedActiveMQ> starting;

    public EmbeddedBroker(String host, int port, Path dataDir, int maxDeliveryAttempts, int journalBufferTimeoutMicros) {
        this(host, port, dataDir, maxDeliveryAttempts, journalBufferTimeoutMicros, null, null);
    }

    /**
     * @param username the one user the broker accepts ({@code broker.username}); null or blank: no security, only on a
     *                 loopback {@code host}
     * @throws StartupConfigurationException for a non-loopback host without credentials, or half the credentials
     */
    public EmbeddedBroker(String host, int port, Path dataDir, int maxDeliveryAttempts, int journalBufferTimeoutMicros,
            String username, String password) {
        boolean hasUser = username != null && !username.isBlank();
        boolean hasPassword = password != null && !password.isEmpty();
        if (hasUser != hasPassword) {
            throw new StartupConfigurationException("Set both broker.username and broker.password (BROKER_USERNAME, "
                    + "BROKER_PASSWORD), or neither");
        }
        if (!hasUser && !isLoopback(host)) {
            throw new StartupConfigurationException("broker.embedded.host=" + host + " is not a loopback address, and "
                    + "the embedded broker has no user: anyone who reaches it could read the dead-letter queue (full "
                    + "session keys) and send keys. Set broker.username and broker.password (BROKER_USERNAME, "
                    + "BROKER_PASSWORD): the broker then accepts that user only. Or keep broker.embedded.host=127.0.0.1");
        }
        this.username = hasUser ? username.strip() : null;
        this.password = hasUser ? password : null;
        this.host = host;
        this.port = port;
        this.dataDir = dataDir;
        this.maxDeliveryAttempts = maxDeliveryAttempts;
        this.journalBufferTimeoutMicros = journalBufferTimeoutMicros;
    }

    /**
     * Messages waiting on this broker's queue {@code queueName} (Artemis's own count: delivering and scheduled
     * included); 0 for a queue not created yet, NaN while the broker is not running.
     */
    public double messageCount(String queueName) {
        EmbeddedActiveMQ running = broker;
        if (running == null || running.getActiveMQServer() == null) {
            return Double.NaN;
        }
        Queue queue = running.getActiveMQServer().locateQueue(SimpleString.of(queueName));
        return queue == null ? 0 : queue.getMessageCount();
    }

    /** The URL the reporter's own connection factory uses: in-VM, no sockets. */
    public String inVmUrl() {
        return "vm://" + inVmId;
    }

    public String tcpUrl() {
        return "tcp://" + host + ":" + port;
    }

    /**
     * Begins starting the broker on a thread of its own, so that its journal and acceptors come up while Camel loads
     * the routes and starts the other services (start-up time); Camel's start of this service waits for it.
     */
    public synchronized void startInBackground() {
        if (starting == null) {
            starting = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    starting.complete(startBroker());
                } catch (Throwable e) {
                    starting.completeExceptionally(e);
                }
            }, "embedded-broker-start");
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Override
    protected void doStart() throws Exception {
        startInBackground();
        try {
            broker = starting.get();
        } catch (ExecutionException e) {
            synchronized (this) {
                starting = null;
            }
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        LOG.info("Embedded ActiveMQ Artemis broker started: journal {}, listening on {} ({})", dataDir.toAbsolutePath(),
                tcpUrl(), username == null ? "no login" : "only user broker.username");
    }

    private EmbeddedActiveMQ startBroker() throws Exception {
        Configuration configuration = new ConfigurationImpl()
                .setName("session-reporter")
                .setPersistenceEnabled(true)
                // ASYNCIO needs libaio, which a plain JDK machine does not have; NIO everywhere.
                .setJournalType(JournalType.NIO)
                // Every commit is still synced to disk before it is confirmed (datasync, Artemis's default); this
                // is how long the journal gathers commits into one write + sync. Artemis's default (3.3 ms) is sized
                // for slow disks, and every transacted consumer waits it out once per message.
                .setJournalDatasync(true)
                .setJournalBufferTimeout_NIO(journalBufferTimeoutMicros * 1000)
                .setJournalDirectory(dataDir.resolve("journal").toString())
                .setBindingsDirectory(dataDir.resolve("bindings").toString())
                .setLargeMessagesDirectory(dataDir.resolve("large-messages").toString())
                .setPagingDirectory(dataDir.resolve("paging").toString())
                .setNodeManagerLockDirectory(dataDir.toString())
                .setJournalLockAcquisitionTimeout(JOURNAL_LOCK_TIMEOUT_MILLIS)
                .setSecurityEnabled(username != null)
                .setJMXManagementEnabled(false)
                .addAcceptorConfiguration("in-vm", inVmUrl())
                .addAcceptorConfiguration("tcp", tcpUrl() + "?protocols=CORE");
        // Safety net for messages the reporter cannot even dead-letter (the dead-letter endpoint rejects them): the
        // broker redelivers them with back-off and, after maxDeliveryAttempts, parks them in the broker's own DLQ.
        configuration.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of("DLQ"))
                .setExpiryAddress(SimpleString.of("ExpiryQueue"))
                .setAutoCreateDeadLetterResources(true)
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000)
                .setMaxDeliveryAttempts(maxDeliveryAttempts));
        EmbeddedActiveMQ started = new EmbeddedActiveMQ().setConfiguration(configuration);
        if (username != null) {
            configuration.putSecurityRoles("#", Set.of(new Role(ROLE, true, true, true, true, true, true, true, true,
                    true, true, true, true)));
            SecurityConfiguration users = new SecurityConfiguration();
            users.addUser(username, password);
            users.addRole(username, ROLE);
            // Artemis's in-memory login module with its own JAAS configuration: nothing JVM-wide is set
            started.setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
        }
        started.start();
        if (!started.getActiveMQServer().isActive()) {
            // Artemis logs what went wrong (lock timeout, acceptor) and leaves the server stopped instead of failing
            stopQuietly(started);
            if (lockedByAnotherProcess(dataDir)) {
                throw new IllegalStateException("The embedded broker's data directory " + dataDir.toAbsolutePath()
                        + " is in use by another broker (is another session reporter running with the same"
                        + " broker.embedded.data-dir?). Give each instance its own data directory, or stop the other one.");
            }
            throw new IllegalStateException("The embedded broker did not start (Artemis's error above; e.g. "
                    + tcpUrl() + " already in use: broker.embedded.port / broker.embedded.host)");
        }
        return started;
    }

    /** 127.x, ::1, localhost: a name that does not resolve is not loopback. */
    static boolean isLoopback(String host) {
        try {
            return host != null && !host.isBlank() && InetAddress.getByName(host.strip()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** True when another process (or broker) holds one of Artemis's lock files there; ours are released by then. */
    static boolean lockedByAnotherProcess(Path lockDirectory) {
        for (String name : SERVER_LOCK_FILES) {
            Path lockFile = lockDirectory.resolve(name);
            if (!Files.exists(lockFile)) {
                continue;
            }
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    return true;
                }
                lock.release();
            } catch (OverlappingFileLockException inThisJvm) {
                return true;
            } catch (IOException e) {
                // unreadable: not evidence of another broker
            }
        }
        return false;
    }

    private static void stopQuietly(EmbeddedActiveMQ broker) {
        try {
            broker.stop();
        } catch (Exception e) {
            LOG.debug("Stopping the broker that could not start failed too", e);
        }
    }

    @Override
    protected void doStop() throws Exception {
        EmbeddedActiveMQ running = broker;
        synchronized (this) {
            if (running == null && starting != null) {
                // started in the background but Camel never got to start this service (start-up failed meanwhile)
                try {
                    running = starting.get();
                } catch (ExecutionException e) {
                    running = null;
                }
            }
            starting = null;
        }
        broker = null;
        if (running != null) {
            running.stop();
            LOG.info("Embedded ActiveMQ Artemis broker stopped");
        }
    }

    @Override
    protected void doShutdown() throws Exception {
        doStop();
    }
}
