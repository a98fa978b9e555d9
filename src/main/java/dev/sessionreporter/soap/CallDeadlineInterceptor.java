package dev.sessionreporter.soap;

import dev.sessionreporter.failure.CallDeadlineException;
import java.io.InputStream;
import org.apache.cxf.interceptor.AttachmentInInterceptor;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

/**
 * Reads the answer's body within the call's deadline ({@link CallDeadlines}), started when the request was sent
 * ({@link WholeRequestInterceptor}). First of all in-interceptors, directly on the HTTP client's stream.
 */
final class CallDeadlineInterceptor extends AbstractPhaseInterceptor<Message> {

    CallDeadlineInterceptor() {
        super(Phase.RECEIVE);
        addBefore(AnswerSizeLimitInterceptor.class.getName());
        addBefore(AttachmentInInterceptor.class.getName());
        addBefore("org.apache.cxf.ext.logging.WireTapIn");
        addBefore(NonSoapErrorStatusInterceptor.class.getName());
    }

    @Override
    public void handleMessage(Message message) {
        CallDeadlines.Deadline deadline = message.getExchange() == null ? null
                : message.getExchange().get(CallDeadlines.Deadline.class);
        InputStream answer = message.getContent(InputStream.class);
        if (deadline == null || answer == null || message.getExchange().get(CallDeadlineInterceptor.class) != null) {
            return;
        }
        message.getExchange().put(CallDeadlineInterceptor.class, this); // once, also when the fault chain runs
        try {
            message.setContent(InputStream.class, deadline.receiving(answer));
        } catch (CallDeadlineException e) {
            throw new Fault(e);
        }
    }
}
