package dev.sessionreporter.simulator;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A failure the {@link CustomerServiceSimulator} injects into its answer to a well-formed
 * {@code ReportSessionActive} request (one that passed the HTTP, XML and SOAP checks).
 *
 * <p>Registered per session key ({@link CustomerServiceSimulator#failFor}) or for all requests
 * ({@link CustomerServiceSimulator#failAll}). Injected failures take effect before the application token, ticket and
 * session checks.
 */
public sealed interface SimulatedFailure
        permits SimulatedFailure.SoapFault, SimulatedFailure.HttpStatus, SimulatedFailure.Delay,
        SimulatedFailure.ServerException, SimulatedFailure.DropConnection, SimulatedFailure.FailTimes {

    /** HTTP 500 with a SOAP 1.1 fault, {@code faultcode s:Server}, carrying {@code faultString}. */
    static SimulatedFailure soapFault(String faultString) {
        return new SoapFault(faultString);
    }

    /**
     * That HTTP status (e.g. 502, 503, 504, 404) with a small {@code text/html} body, as a proxy or load balancer
     * answers; no SOAP. Statuses 204 and 304 are sent without a body.
     */
    static SimulatedFailure httpStatus(int status) {
        return new HttpStatus(status);
    }

    /** Waits {@code delay}, then answers normally. Does not block other requests. */
    static SimulatedFailure delay(Duration delay) {
        return new Delay(delay);
    }

    /** HTTP 200, {@code Succeeded=false}, {@code ExceptionInfo} filled with this type and message. */
    static SimulatedFailure serverException(String exceptionType, String message) {
        return new ServerException(exceptionType, message);
    }

    /** Closes the TCP connection without sending any HTTP response (a connection reset / premature EOF). */
    static SimulatedFailure dropConnection() {
        return new DropConnection();
    }

    /**
     * Applies {@code failure} to the first {@code times} matching requests, then answers normally. The count is held
     * by the returned instance: registering the same instance for several keys shares the count.
     */
    static SimulatedFailure failTimes(int times, SimulatedFailure failure) {
        return new FailTimes(times, failure);
    }

    /** See {@link SimulatedFailure#soapFault(String)}. */
    record SoapFault(String faultString) implements SimulatedFailure {
        public SoapFault {
            Objects.requireNonNull(faultString, "faultString");
        }
    }

    /** See {@link SimulatedFailure#httpStatus(int)}. */
    record HttpStatus(int status) implements SimulatedFailure {
        public HttpStatus {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("HTTP status must be within 200..599: " + status);
            }
        }
    }

    /** See {@link SimulatedFailure#delay(Duration)}. */
    record Delay(Duration delay) implements SimulatedFailure {
        public Delay {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative: " + delay);
            }
        }
    }

    /** See {@link SimulatedFailure#serverException(String, String)}. */
    record ServerException(String exceptionType, String message) implements SimulatedFailure {
        public ServerException {
            Objects.requireNonNull(exceptionType, "exceptionType");
            Objects.requireNonNull(message, "message");
        }
    }

    /** See {@link SimulatedFailure#dropConnection()}. */
    record DropConnection() implements SimulatedFailure {
    }

    /** See {@link SimulatedFailure#failTimes(int, SimulatedFailure)}. Stateful: counts the failures it has applied. */
    final class FailTimes implements SimulatedFailure {
        private final int times;
        private final SimulatedFailure failure;
        private final AtomicInteger remaining;

        FailTimes(int times, SimulatedFailure failure) {
            if (times < 0) {
                throw new IllegalArgumentException("times must not be negative: " + times);
            }
            this.times = times;
            this.failure = Objects.requireNonNull(failure, "failure");
            this.remaining = new AtomicInteger(times);
        }

        public int times() {
            return times;
        }

        public SimulatedFailure failure() {
            return failure;
        }

        /** How many more requests this will fail. */
        public int remaining() {
            return remaining.get();
        }

        /** Takes one failure from the budget; false once exhausted. */
        boolean tryConsume() {
            return remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
        }

        @Override
        public String toString() {
            return "FailTimes[times=" + times + ", remaining=" + remaining.get() + ", failure=" + failure + "]";
        }
    }
}
