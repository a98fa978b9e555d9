package dev.sessionreporter.duplicate;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.secret.SessionKeyMask;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mark ({@value ReporterHeaders#TIMER_KEY}) on the keys the timer leader puts on the queue
 * (reporter.timer.target=queue), which exempts them from duplicate suppression: they come once per period on purpose.
 * <p>
 * Any sender can set a header, so the mark is an HMAC-SHA256 of the key and an expiry time under
 * reporter.timer.queue-secret, a secret every instance that shares the queue is configured with (the leader signs, any
 * instance's consumers check; a secret generated at start would be known to one instance only). A mark that does not
 * verify — forged, copied onto another key, outdated, or signed with another secret — exempts nothing: that message
 * is checked for duplicates like any queued key.
 */
public class TimerKeyMark {
    /** Shortest secret accepted: a mark travels with every timer key, and a short secret could be guessed from one. */
    public static final int MIN_SECRET_LENGTH = 16;
    private static final Logger LOG = LoggerFactory.getLogger("dev.sessionreporter.duplicates");
    private static final String ALGORITHM = "HmacSHA256";
    /** Keeps these signatures apart from any other use of the same secret. */
    private static final String CONTEXT = ReporterHeaders.TIMER_KEY + "\n";

    private final SecretKeySpec secret;
    private final long periodMillis;
    private final Clock clock;

    /**
     * @param secret       reporter.timer.queue-secret; blank: this instance neither marks nor trusts a mark
     * @param periodMillis reporter.timer.period: a mark is good for the period its message lives, plus one for clocks
     */
    public TimerKeyMark(String secret, long periodMillis, Clock clock) {
        this.secret = secret == null || secret.isBlank() ? null
                : new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.periodMillis = periodMillis;
        this.clock = clock;
    }

    /** Trusts no mark: the queue template's default, where no timer of the host signs its keys. */
    public static TimerKeyMark none() {
        return new TimerKeyMark(null, 0, Clock.systemUTC());
    }

    /** Marks the timer key in the body as the timer's own, good until one period from now. */
    public void mark(Exchange exchange) {
        if (secret == null) {
            throw new IllegalStateException("reporter.timer.queue-secret is not set: timer keys cannot be marked");
        }
        String key = exchange.getIn().getBody(String.class);
        exchange.getIn().setHeader(ReporterHeaders.TIMER_KEY, markOf(key, clock.millis() + periodMillis));
    }

    /**
     * Whether the queue message is a timer key: its mark verifies for its body. A message that carries a mark that
     * does not is logged (WARN): a secret that differs between instances shows here.
     */
    public boolean isTimerKey(Exchange exchange) {
        Object mark = exchange.getIn().getHeader(ReporterHeaders.TIMER_KEY);
        if (mark == null) {
            return false;
        }
        Object body = exchange.getIn().getBody();
        if (body instanceof String key && verifies(String.valueOf(mark), key)) {
            return true;
        }
        LOG.warn("Session {} carries {}, but not a mark of this deployment's timer (forged, copied, outdated, or "
                + "reporter.timer.queue-secret differs): checked for duplicates like any queued key",
                body instanceof String key ? SessionKeyMask.mask(key) : "(none)", ReporterHeaders.TIMER_KEY);
        return false;
    }

    boolean verifies(String mark, String key) {
        int dot = mark.indexOf('.');
        if (secret == null || dot < 1) {
            return false;
        }
        long notAfter;
        byte[] signature;
        try {
            notAfter = Long.parseLong(mark.substring(0, dot));
            signature = Base64.getUrlDecoder().decode(mark.substring(dot + 1));
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        return clock.millis() <= notAfter + periodMillis && MessageDigest.isEqual(signature, signature(key, notAfter));
    }

    String markOf(String key, long notAfter) {
        return notAfter + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature(key, notAfter));
    }

    private byte[] signature(String key, long notAfter) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            return mac.doFinal((CONTEXT + notAfter + "\n" + key).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
