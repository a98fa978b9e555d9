package dev.sessionreporter.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A misbehaving server for the far side of the wire: answers every request with one canned status, content type and
 * body, and records every request path (so a test can prove that nothing fetched an external entity from it).
 */
public final class CannedHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final List<String> requestedPaths = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String contentType = "text/xml; charset=utf-8";
    private volatile String body = "";

    public CannedHttpServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            requestedPaths.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
    }

    public void answer(int status, String contentType, String body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<String> requestedPaths() {
        return List.copyOf(requestedPaths);
    }

    public void clear() {
        requestedPaths.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
