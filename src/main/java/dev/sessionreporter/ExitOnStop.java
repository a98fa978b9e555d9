package dev.sessionreporter;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the process with the application's own exit code, also when a signal stops it.
 * <p>
 * SIGTERM (or Ctrl+C) starts the JVM's shutdown. Camel Main's shutdown hook ({@code CamelHangupInterceptor}) then
 * stops the CamelContext gracefully on the main thread — consumers first, in-flight exchanges completed within the
 * shutdown timeout, then the services — and {@code Main.run} returns. Left alone, the JVM would then end with the
 * signal's status (143 for SIGTERM) and {@code System.exit} from the main thread would block for ever, because the
 * JVM is already shutting down. So this class adds one more shutdown hook: it waits until the main thread reports
 * its exit code (0 after a clean stop) and ends the JVM with it ({@link Runtime#halt}: the other hooks have done
 * their work by then; a halt is the only way to choose the status once shutdown has begun).
 * <p>
 * When the application ends by itself (a start-up failure), the main thread calls {@link #exit(int)} first and this
 * hook steps aside: {@code System.exit} runs the hooks as usual.
 */
final class ExitOnStop {
    private static final Logger LOG = LoggerFactory.getLogger(ExitOnStop.class);
    /** How long the end waits for Camel Main's shutdown hook to log its last line. */
    private static final long CAMEL_HOOK_WAIT_MILLIS = 2_000;

    /** Whoever gets it first decides how the JVM ends: the main thread (System.exit) or the hook (halt). */
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CountDownLatch mainFinished = new CountDownLatch(1);
    private final Supplier<Duration> longestStop;
    private volatile int exitCode = 1;

    /**
     * @param longestStop how long the hook waits for the main thread at most, asked when the signal arrives; past
     *                    it the process ends with exit code 1 rather than hang
     */
    private ExitOnStop(Supplier<Duration> longestStop) {
        this.longestStop = longestStop;
    }

    static ExitOnStop install(Supplier<Duration> longestStop) {
        ExitOnStop exit = new ExitOnStop(longestStop);
        Runtime.getRuntime().addShutdownHook(new Thread(exit::onJvmShutdown, "session-reporter-exit"));
        return exit;
    }

    /**
     * Called by the main thread when the application has finished: exits with {@code code}, or, when a signal is
     * already shutting the JVM down, hands the code to the hook and returns.
     */
    void exit(int code) {
        exitCode = code;
        mainFinished.countDown();
        // a signal may already have started the shutdown before its hook ran: System.exit would then block and the
        // JVM end with the signal's status; the hook halts with this code instead
        if (!shutdownStarted() && claimed.compareAndSet(false, true)) {
            System.exit(code);
        }
    }

    /** Whether the JVM is shutting down: it then refuses new shutdown hooks. */
    private static boolean shutdownStarted() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shuttingDown) {
            return true;
        }
    }

    private void onJvmShutdown() {
        if (!claimed.compareAndSet(false, true)) {
            return; // the main thread called System.exit: an ordinary exit
        }
        Duration bound = longestStop.get();
        int code;
        try {
            if (mainFinished.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                code = exitCode;
            } else {
                LOG.error("Session reporter did not stop within {} s of the stop signal; ending the process now",
                        bound.toSeconds());
                code = 1;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = 1;
        }
        // The console is written by log4j's Async appender (log4j2.properties): write out the lines still queued, or a
        // halt right after the main thread's last lines would lose them. Camel's own hook logs its last line after
        // the main thread is done: let it finish first (briefly).
        awaitCamelHangupHook();
        LogManager.shutdown();
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(code);
    }

    private static void awaitCamelHangupHook() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread != Thread.currentThread() && thread.getName().contains("CamelHangupInterceptor")) {
                try {
                    thread.join(CAMEL_HOOK_WAIT_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
