package dev.sessionreporter.soap;

import dev.sessionreporter.failure.CallDeadlineException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;

/**
 * The deadline of every SOAP call: sending and receiving are over {@code millis} after the call began, however the
 * server paces its answer. The JDK's HTTP client knows only a wait between two bytes (a trickling answer never trips
 * it) and cannot be interrupted, and a blocked read holds the lock that closing its stream needs. So:
 * <ul>
 * <li>until the answer's headers are read, a watchdog closes the connection at the deadline (nothing holds that lock
 * then), failing the blocked read;</li>
 * <li>the body is read directly as long as bytes are at hand; a read that may block runs on a reader thread that the
 * call waits for until the deadline at most. A reader still blocked then closes the connection when its read ends
 * (after one receive timeout of the JDK client at most).</li>
 * </ul>
 * Both threads are Camel's, shut down with the CamelContext.
 */
final class CallDeadlines {
    private final long millis;
    private final ScheduledExecutorService watchdog;
    private final ExecutorService readers;

    CallDeadlines(CamelContext camelContext, long millis) {
        this.millis = millis;
        watchdog = camelContext.getExecutorServiceManager().newSingleThreadScheduledExecutor(this,
                "SuperOfficeCallDeadline");
        if (watchdog instanceof ScheduledThreadPoolExecutor pool) {
            // a call ends long before its deadline: its cancelled watch must not wait in the queue until then
            pool.setRemoveOnCancelPolicy(true);
        }
        readers = camelContext.getExecutorServiceManager().newCachedThreadPool(this, "SuperOfficeAnswerReader");
    }

    /** Starts the deadline of a call on {@code connection}, before it connects. */
    Deadline start(HttpURLConnection connection) {
        return new Deadline(connection);
    }

    /** One call's deadline. */
    final class Deadline {
        private static final int SENDING = 0;
        private static final int RECEIVING = 1;
        private static final int EXPIRED = 2;
        private static final int OVER = 3;

        private final HttpURLConnection connection;
        private final long end;
        private final AtomicInteger state = new AtomicInteger(SENDING);
        private final ScheduledFuture<?> watch;

        private Deadline(HttpURLConnection connection) {
            this.connection = connection;
            end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            watch = watchdog.schedule(this::expire, millis, TimeUnit.MILLISECONDS);
        }

        private void expire() {
            if (state.compareAndSet(SENDING, EXPIRED)) {
                // no answer stream yet: closes the socket without waiting for the blocked read's lock
                connection.disconnect();
            } else {
                state.compareAndSet(RECEIVING, EXPIRED);
            }
        }

        boolean expired() {
            return state.get() == EXPIRED || System.nanoTime() - end >= 0;
        }

        CallDeadlineException exceeded() {
            return new CallDeadlineException(millis);
        }

        /**
         * After the request went out: a connection set up after the deadline was not there to be closed by the
         * watchdog.
         */
        void checkSent() throws CallDeadlineException {
            if (expired()) {
                state.set(EXPIRED);
                connection.disconnect();
                throw exceeded();
            }
        }

        /** The answer's headers are read: from now on its body is read within the deadline. */
        InputStream receiving(InputStream answer) throws CallDeadlineException {
            if (!state.compareAndSet(SENDING, RECEIVING)) {
                throw exceeded();
            }
            return new DeadlineAnswer(answer, this, connection.getContentLengthLong());
        }

        /** The call is over: the watch is no longer needed. */
        void over() {
            state.compareAndSet(SENDING, OVER);
            state.compareAndSet(RECEIVING, OVER);
            watch.cancel(false);
        }

        /** Runs {@code read} (which may block) no longer than the deadline; throws the timeout after that. */
        int readWithin(BlockingRead read, InputStream answer) throws IOException {
            AtomicBoolean settled = new AtomicBoolean();
            Future<Integer> result;
            try {
                result = readers.submit(() -> {
                    try {
                        return read.read();
                    } finally {
                        if (!settled.compareAndSet(false, true)) {
                            // the call gave up on this read: nothing else will close the connection
                            closeQuietly(answer);
                        }
                    }
                });
            } catch (RejectedExecutionException e) {
                throw new IOException("stopping: no reader for the answer", e);
            }
            try {
                return result.get(Math.max(end - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (settled.compareAndSet(false, true)) {
                    state.set(EXPIRED);
                    throw exceeded();
                }
                return readResult(result); // the read ended just now
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                settled.set(true);
                closeQuietly(answer);
                throw new IOException("interrupted while reading the answer", e);
            } catch (ExecutionException e) {
                throw rethrown(e);
            }
        }

        private int readResult(Future<Integer> result) throws IOException {
            try {
                return result.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading the answer", e);
            } catch (ExecutionException e) {
                throw rethrown(e);
            }
        }
    }

    private static IOException rethrown(ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
            return io;
        }
        if (e.getCause() instanceof RuntimeException runtime) {
            throw runtime;
        }
        return new IOException(e.getCause());
    }

    static void closeQuietly(InputStream answer) {
        try {
            answer.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @FunctionalInterface
    interface BlockingRead {
        int read() throws IOException;
    }

    /**
     * The answer's body, read within the deadline: bytes at hand are read on the calling thread; a read that may block
     * is handed to a reader thread. After the deadline nothing more is read, and closing does not wait for a reader.
     */
    private static final class DeadlineAnswer extends AnswerStream {
        private final Deadline deadline;
        private final long declaredLength;
        private long read;
        private boolean failed;
        private boolean abandoned;

        DeadlineAnswer(InputStream in, Deadline deadline, long declaredLength) {
            super(in);
            this.deadline = deadline;
            this.declaredLength = declaredLength;
        }

        @Override
        protected int readSome(byte[] buffer, int offset, int length) throws IOException {
            if (abandoned || deadline.expired()) {
                failed = true;
                throw deadline.exceeded();
            }
            try {
                int atHand = in.available();
                int n;
                if (atHand > 0) {
                    n = in.read(buffer, offset, Math.min(length, atHand));
                } else if (declaredLength >= 0 && read >= declaredLength) {
                    n = in.read(buffer, offset, length); // all declared bytes are in: the end, without blocking
                } else {
                    n = deadline.readWithin(() -> in.read(buffer, offset, length), in);
                }
                if (n > 0) {
                    read += n;
                }
                return n;
            } catch (CallDeadlineException e) {
                failed = true;
                abandoned = true;
                throw e;
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int available() throws IOException {
            return failed ? 0 : in.available();
        }

        @Override
        public void close() {
            if (!abandoned) {
                closeQuietly(in);
            } // else a reader still blocked on it closes it once its read ends: closing now would wait for that read
            deadline.over();
        }
    }
}
