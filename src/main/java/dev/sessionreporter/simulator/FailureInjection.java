package dev.sessionreporter.simulator;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link SimulatedFailure}s registered for ReportSessionActive (per session key, or for all: global wins) and for
 * the login endpoints (an outage), and how each is answered.
 */
final class FailureInjection {
    private final Map<String, SimulatedFailure> failuresByKey = new ConcurrentHashMap<>();
    private final AtomicReference<SimulatedFailure> globalFailure = new AtomicReference<>();
    private final AtomicReference<SimulatedFailure> loginFailure = new AtomicReference<>();

    void failFor(String sessionKey, SimulatedFailure failure) {
        failuresByKey.put(Objects.requireNonNull(sessionKey, "sessionKey"),
                Objects.requireNonNull(failure, "failure"));
    }

    void failAll(SimulatedFailure failure) {
        globalFailure.set(Objects.requireNonNull(failure, "failure"));
    }

    void failLogins(SimulatedFailure failure) {
        SimulatedFailure inner = failure instanceof SimulatedFailure.FailTimes times ? times.failure() : failure;
        if (!(inner instanceof SimulatedFailure.HttpStatus || inner instanceof SimulatedFailure.DropConnection
                || inner instanceof SimulatedFailure.Delay)) {
            throw new IllegalArgumentException("a login outage is an HTTP status, a dropped connection or a delay: " + failure);
        }
        loginFailure.set(failure);
    }

    void clear() {
        globalFailure.set(null);
        failuresByKey.clear();
        loginFailure.set(null);
    }

    /**
     * Applies the injected failure, if any, to a well-formed ReportSessionActive for {@code exchange.sessionKey}:
     * rejects it (true), or only delays it.
     */
    boolean rejectsReport(Exchange exchange) {
        SimulatedFailure configured = globalFailure.get();
        if (configured == null && exchange.sessionKey != null) {
            configured = failuresByKey.get(exchange.sessionKey);
        }
        SimulatedFailure failure = resolve(configured);
        if (failure instanceof SimulatedFailure.SoapFault f) {
            exchange.reject(WcfAnswers.fault("s:Server", null, f.faultString()), "injected SOAP fault");
            return true;
        } else if (failure instanceof SimulatedFailure.HttpStatus f) {
            exchange.reject(Answer.htmlPage(f.status(), SimHttpServer.reasonPhrase(f.status())),
                    "injected HTTP status " + f.status());
            return true;
        } else if (failure instanceof SimulatedFailure.ServerException f) {
            exchange.reject(WcfAnswers.reportSessionActive(false, WcfAnswers.exceptionInfo(f.message(), f.message(),
                    f.exceptionType(), "SuperOffice.Services.Implementation"), 0),
                    "injected server exception: " + f.exceptionType());
            return true;
        } else if (failure instanceof SimulatedFailure.DropConnection) {
            exchange.reject(Answer.dropped(), "injected dropped connection");
            return true;
        } else if (failure instanceof SimulatedFailure.Delay f) {
            exchange.delay = f.delay();
        }
        return false;
    }

    /**
     * Applies the login outage, if any, to a request to a login endpoint before any check of it: rejects it (true),
     * or only delays it.
     */
    boolean rejectsLogin(Exchange exchange) {
        SimulatedFailure outage = resolve(loginFailure.get());
        if (outage instanceof SimulatedFailure.HttpStatus f) {
            exchange.reject(Answer.htmlPage(f.status(), SimHttpServer.reasonPhrase(f.status())),
                    "injected login outage: HTTP " + f.status());
            return true;
        } else if (outage instanceof SimulatedFailure.DropConnection) {
            exchange.reject(Answer.dropped(), "injected login outage: dropped connection");
            return true;
        } else if (outage instanceof SimulatedFailure.Delay f) {
            exchange.delay = f.delay();
        }
        return false;
    }

    /** The failure to apply now: a {@link SimulatedFailure.FailTimes} takes one from its budget, or is none. */
    private static SimulatedFailure resolve(SimulatedFailure failure) {
        if (failure instanceof SimulatedFailure.FailTimes times) {
            return times.tryConsume() ? resolve(times.failure()) : null;
        }
        return failure;
    }
}
