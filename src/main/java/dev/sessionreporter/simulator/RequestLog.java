package dev.sessionreporter.simulator;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the simulator received: ReportSessionActive (and every other non-login request) apart from the requests to the
 * login endpoints, and the client connections they came over.
 */
final class RequestLog {
    private record Recorded(ReceivedRequest request, boolean succeeded, int response) {
    }

    private final List<Recorded> recorded = Collections.synchronizedList(new ArrayList<>());
    private final List<ReceivedRequest> authRecorded = Collections.synchronizedList(new ArrayList<>());
    /** Client address and port of every request: one entry per TCP connection the clients opened. */
    private final Set<InetSocketAddress> clientConnections = ConcurrentHashMap.newKeySet();

    void connection(InetSocketAddress client) {
        clientConnections.add(client);
    }

    /** Records an answered exchange: a login one in {@link #authenticationRequests()}, others in {@link #requests()}. */
    void record(Exchange exchange) {
        if (exchange.authentication) {
            authRecorded.add(exchange.toRequest());
        } else {
            recorded.add(new Recorded(exchange.toRequest(), exchange.succeeded, exchange.response));
        }
    }

    List<ReceivedRequest> requests() {
        synchronized (recorded) {
            List<ReceivedRequest> copy = new ArrayList<>(recorded.size());
            for (Recorded r : recorded) {
                copy.add(r.request);
            }
            return List.copyOf(copy);
        }
    }

    List<ReceivedRequest> requestsFor(String sessionKey) {
        synchronized (recorded) {
            List<ReceivedRequest> copy = new ArrayList<>();
            for (Recorded r : recorded) {
                if (r.request.sessionKey() != null && r.request.sessionKey().equals(sessionKey)) {
                    copy.add(r.request);
                }
            }
            return List.copyOf(copy);
        }
    }

    int acceptedReportCount(String sessionKey) {
        synchronized (recorded) {
            int count = 0;
            for (Recorded r : recorded) {
                if (r.succeeded && r.response > 0 && Objects.equals(r.request.sessionKey(), sessionKey)) {
                    count++;
                }
            }
            return count;
        }
    }

    int requestCount() {
        return recorded.size();
    }

    Optional<ReceivedRequest> lastRequest() {
        synchronized (recorded) {
            return recorded.isEmpty() ? Optional.empty() : Optional.of(recorded.get(recorded.size() - 1).request);
        }
    }

    int connectionCount() {
        return clientConnections.size();
    }

    List<ReceivedRequest> authenticationRequests() {
        synchronized (authRecorded) {
            return List.copyOf(authRecorded);
        }
    }

    void clear() {
        recorded.clear();
        authRecorded.clear();
        clientConnections.clear();
    }
}
