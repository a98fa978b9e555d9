package dev.sessionreporter.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs on a reporter's management server (health, metrics) on loopback, as a load balancer or Prometheus would. */
public final class ManagementClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int port;

    public ManagementClient(int port) {
        this.port = port;
    }

    public HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** HTTP status of {@code /observe/health/ready}: 200 UP, 503 DOWN. */
    public int readiness() {
        return get("/observe/health/ready").statusCode();
    }

    /** The value of a sample of {@code /observe/metrics} (see {@link #value(String, String, String...)}). */
    public double metric(String name, String... labels) {
        return value(get("/observe/metrics").body(), name, labels);
    }

    /** The value of the sample {@code name} whose labels include all {@code labels}; 0 when there is none yet. */
    public static double value(String scrape, String name, String... labels) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
