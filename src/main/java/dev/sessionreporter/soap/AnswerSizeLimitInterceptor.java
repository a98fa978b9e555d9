package dev.sessionreporter.soap;

import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.cxf.interceptor.AttachmentInInterceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

/**
 * Caps the size of an answer while it is read, before anything else in CXF reads it (the parser, the attachment
 * reader, the wire log): an answer that declares a larger Content-Length is refused unread, and a longer one, chunked
 * or endless, is cut at the limit, so no more than the limit is ever buffered. The connection is closed at once, never
 * drained. Such an answer is {@link FailureReason#INVALID_ANSWER}: the server is up and would answer the same again.
 */
final class AnswerSizeLimitInterceptor extends AbstractPhaseInterceptor<Message> {
    static final String PROPERTY = "superoffice.max-answer-size";

    private final long maxBytes;

    AnswerSizeLimitInterceptor(long maxBytes) {
        super(Phase.RECEIVE);
        this.maxBytes = maxBytes;
        addBefore(AttachmentInInterceptor.class.getName());
        addBefore("org.apache.cxf.ext.logging.WireTapIn");
        addBefore(NonSoapErrorStatusInterceptor.class.getName());
    }

    @Override
    public void handleMessage(Message message) {
        InputStream answer = message.getContent(InputStream.class);
        if (answer == null || answer instanceof LimitedAnswer) {
            return;
        }
        long declared = declaredLength(message);
        if (declared > maxBytes) {
            closeQuietly(answer);
            throw tooLarge("Content-Length " + declared);
        }
        message.setContent(InputStream.class, new LimitedAnswer(answer, maxBytes));
    }

    private ReportFailedException tooLarge(String what) {
        return new ReportFailedException(FailureReason.INVALID_ANSWER,
                "answer over the size limit of " + maxBytes + " bytes (" + PROPERTY + "): " + what);
    }

    private static long declaredLength(Message message) {
        for (String value : ProtocolHeaders.values(message, "Content-Length")) {
            try {
                return Long.parseLong(value.strip());
            } catch (NumberFormatException e) {
                // not a length: the HTTP client refuses it, or the limit applies while reading
            }
        }
        return -1;
    }

    private static void closeQuietly(InputStream answer) {
        try {
            // the JDK's HTTP streams close the connection when much is left unread: nothing more is read from it
            answer.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** The answer, cut at the limit: reading past it closes the connection and fails. */
    private final class LimitedAnswer extends AnswerStream {
        private final long limit;
        private long read;

        LimitedAnswer(InputStream answer, long limit) {
            super(answer);
            this.limit = limit;
        }

        @Override
        protected int readSome(byte[] buffer, int offset, int length) throws IOException {
            // one byte more than the limit allows tells an answer of exactly the limit from a longer one
            int n = in.read(buffer, offset, (int) Math.min(length, limit - read + 1));
            if (n > 0) {
                read += n;
                if (read > limit) {
                    closeQuietly(in);
                    throw tooLarge("cut after " + read + " bytes");
                }
            }
            return n;
        }
    }
}
