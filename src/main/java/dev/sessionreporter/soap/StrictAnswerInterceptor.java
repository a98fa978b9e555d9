package dev.sessionreporter.soap;

import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.util.Locale;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

/**
 * Takes the answer's whole body before CXF parses it, so that it is judged as a whole: a body in an encoding the
 * request did not ask for (it asks for {@code identity}), a body HTTP cannot decode (bad chunked encoding) and an
 * ambiguous envelope ({@link AnswerStructure}) are {@link FailureReason#INVALID_ANSWER}: the server is up and would
 * answer the same again. A connection that breaks or times out while the body is read stays what it is (retried).
 * Runs after the receive phase, so that the stream read is the one capped by {@link AnswerSizeLimitInterceptor} (and
 * copied by the wire log), never more than {@code superoffice.max-answer-size}.
 */
final class StrictAnswerInterceptor extends AbstractPhaseInterceptor<Message> {
    StrictAnswerInterceptor() {
        super(Phase.POST_STREAM);
    }

    @Override
    public void handleMessage(Message message) {
        InputStream in = message.getContent(InputStream.class);
        if (in == null) {
            return;
        }
        String encoding = contentEncoding(message);
        if (!encoding.isEmpty() && !"identity".equals(encoding)) {
            throw invalid("the answer body is in the encoding " + limited(encoding)
                    + ", which the reporter did not ask for (it asks for identity)");
        }
        byte[] body = readBody(in);
        message.setContent(InputStream.class, new ByteArrayInputStream(body));
        if (Integer.valueOf(200).equals(message.get(Message.RESPONSE_CODE))) {
            try {
                AnswerStructure.check(body);
            } catch (ReportFailedException e) {
                throw new Fault(e);
            }
        }
    }

    private static byte[] readBody(InputStream in) {
        try {
            // bounded: AnswerSizeLimitInterceptor, in the receive phase, cuts the stream at superoffice.max-answer-size
            return in.readAllBytes();
        } catch (SocketException | EOFException | InterruptedIOException e) {
            // the connection broke or timed out: an outage or a timeout as before, not a bad answer
            throw new Fault(e);
        } catch (IOException e) {
            // e.g. "Bogus chunk size": the server answered, with a body HTTP cannot decode
            throw invalid("the answer body cannot be read as HTTP: " + limited(describe(e)));
        }
    }

    private static String contentEncoding(Message message) {
        return String.join(",", ProtocolHeaders.values(message, "Content-Encoding")).strip().toLowerCase(Locale.ROOT);
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String limited(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }

    private static Fault invalid(String detail) {
        return new Fault(new ReportFailedException(FailureReason.INVALID_ANSWER, detail));
    }
}
