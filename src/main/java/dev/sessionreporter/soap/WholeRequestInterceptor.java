package dev.sessionreporter.soap;

import dev.sessionreporter.failure.RequestNotSentException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import org.apache.cxf.interceptor.StaxOutInterceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.transport.http.HTTPConduit;

/**
 * Sends each request in one piece, with its length declared up front (HttpURLConnection's fixed-length streaming
 * mode). In that mode the JDK never re-sends a POST by itself when a connection breaks before the answer (what the
 * JVM-wide {@code sun.net.http.retryPost=false} would do for every client of the JVM): retries are the reporter's to
 * make and to count. Failures before the answer is awaited (connect, TLS handshake, writing) are raised as
 * {@link RequestNotSentException}, so a connect timeout is told from a receive timeout. The call's deadline
 * ({@link CallDeadlines}) starts here, before connecting.
 */
final class WholeRequestInterceptor extends AbstractPhaseInterceptor<Message> {

    private final CallDeadlines deadlines;

    WholeRequestInterceptor(CallDeadlines deadlines) {
        super(Phase.PRE_STREAM);
        this.deadlines = deadlines;
        // before the XML writer is created on the conduit's stream
        addBefore(StaxOutInterceptor.class.getName());
    }

    @Override
    public void handleMessage(Message message) {
        OutputStream conduitStream = message.getContent(OutputStream.class);
        if (conduitStream != null) {
            message.setContent(OutputStream.class, new WholeRequestStream(message, conduitStream, deadlines));
        }
    }

    /** Collects the request (a few KiB at most), then writes it to the conduit's stream, whose close awaits the answer. */
    private static final class WholeRequestStream extends ByteArrayOutputStream {
        private final Message message;
        private final OutputStream conduitStream;
        private final CallDeadlines deadlines;
        private boolean closed;

        WholeRequestStream(Message message, OutputStream conduitStream, CallDeadlines deadlines) {
            super(2048);
            this.message = message;
            this.conduitStream = conduitStream;
            this.deadlines = deadlines;
        }

        @Override
        public void flush() {
            // nothing goes out before the whole request is known
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            // the URLConnection conduit's connection, not yet connected: it connects on the first write below
            HttpURLConnection connection = message.get(HTTPConduit.KEY_HTTP_CONNECTION) instanceof HttpURLConnection c
                    ? c : null;
            CallDeadlines.Deadline deadline = connection == null ? null : deadlines.start(connection);
            if (deadline != null && message.getExchange() != null) {
                message.getExchange().put(CallDeadlines.Deadline.class, deadline);
            }
            try {
                try {
                    if (connection != null) {
                        connection.setFixedLengthStreamingMode(count);
                    }
                    conduitStream.write(buf, 0, count);
                    conduitStream.flush();
                } catch (IOException e) {
                    throw new RequestNotSentException(e);
                }
                if (deadline != null) {
                    deadline.checkSent();
                }
                // awaits the answer and runs the in-interceptors on it
                conduitStream.close();
            } catch (IOException | RuntimeException e) {
                // a failure caused by the deadline's closing the connection is the deadline's
                if (deadline != null && deadline.expired() && !(e instanceof RequestNotSentException)) {
                    throw deadline.exceeded();
                }
                throw e;
            } finally {
                if (deadline != null) {
                    deadline.over();
                }
            }
        }
    }
}
