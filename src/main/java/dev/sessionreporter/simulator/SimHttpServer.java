package dev.sessionreporter.simulator;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * The simulator's own small HTTP/1.1 server: one thread per connection, keep-alive, request bodies with
 * {@code Content-Length} or chunked, optional TLS 1.2/1.3. Each answer (status line, headers, body) goes out in one
 * write with a fixed {@code Content-Length} on a socket with {@code TCP_NODELAY}, as IIS answers: with the JDK's
 * HTTP server, headers and body are two writes and Nagle holds the body back for the client's delayed ACK, which only
 * a JVM-wide system property could switch off.
 */
final class SimHttpServer implements AutoCloseable {

    /** What arrived. {@code body} is null when larger than the limit; header names are lower-cased. */
    record Request(String method, String rawPath, String protocol, Map<String, List<String>> headers, byte[] body,
            InetSocketAddress remoteAddress) {
    }

    /**
     * What to answer: {@code body} may be empty; {@code drop} closes the connection without an answer; {@code close}
     * closes it after the answer; the answer waits {@code delay} first.
     */
    record Response(int status, Map<String, String> headers, byte[] body, boolean drop, boolean close,
            Duration delay) {
    }

    private static final int MAX_HEADER_BYTES = 64 * 1024;
    /** IIS closes idle keep-alive connections after 120 s. */
    private static final int IDLE_TIMEOUT_MILLIS = 120_000;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private final ServerSocket serverSocket;
    private final Function<Request, Response> handler;
    private final int maxBodyBytes;
    private final ExecutorService connections;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean running = true;
    /** Requests read and not yet answered (answering included the delay), and the most there were at once. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();

    SimHttpServer(InetAddress address, int port, SSLContext tls, int maxBodyBytes, String threadPrefix,
            Function<Request, Response> handler) throws IOException {
        this.handler = handler;
        this.maxBodyBytes = maxBodyBytes;
        ServerSocket socket = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
        try {
            if (socket instanceof SSLServerSocket secure) {
                List<String> protocols = new ArrayList<>();
                for (String protocol : secure.getSupportedProtocols()) {
                    if (protocol.equals("TLSv1.3") || protocol.equals("TLSv1.2")) {
                        protocols.add(protocol);
                    }
                }
                secure.setEnabledProtocols(protocols.toArray(new String[0]));
                secure.setNeedClientAuth(false);
            }
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port), 128);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        this.serverSocket = socket;
        AtomicInteger threads = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, threadPrefix + "http-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.acceptor = new Thread(this::acceptLoop, threadPrefix + "accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** The most requests this server was answering at the same time since the last {@link #resetMostInFlight()}. */
    int mostInFlight() {
        return mostInFlight.get();
    }

    void resetMostInFlight() {
        mostInFlight.set(inFlight.get());
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    /** Stops at once: no new connection, open ones closed, delayed answers dropped. */
    @Override
    public void close() {
        running = false;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        connections.shutdownNow();
        // The JDK releases the port only once the thread blocked in accept() has left it: wait, so that a restart on
        // the same port binds.
        if (Thread.currentThread() != acceptor) {
            try {
                acceptor.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void acceptLoop() {
        while (running) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!running) {
                    return;
                }
                continue;
            }
            open.add(socket);
            try {
                connections.execute(() -> serve(socket));
            } catch (RejectedExecutionException stopped) {
                open.remove(socket);
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            // per socket: answers go out at once, nothing else in the JVM changes
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
            while (running) {
                Request request = readRequest(in, out, remote);
                if (request == null) {
                    return;
                }
                Response response;
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    response = handler.apply(request);
                    if (!response.delay().isZero()) {
                        Thread.sleep(response.delay().toMillis(), response.delay().toNanosPart() % 1_000_000);
                    }
                    if (response.drop() || !running) {
                        return;
                    }
                    out.write(encode(request, response));
                    out.flush();
                } finally {
                    inFlight.decrementAndGet();
                }
                if (response.close() || request.body() == null || !keepAlive(request)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // the client went away, a TLS handshake failed, or the server stops: the connection ends
        } finally {
            open.remove(socket);
        }
    }

    private static boolean keepAlive(Request request) {
        String connection = first(request.headers(), "connection");
        if (request.protocol().equals("HTTP/1.0")) {
            return connection != null && connection.equalsIgnoreCase("keep-alive");
        }
        return connection == null || !connection.equalsIgnoreCase("close");
    }

    /** Null at the end of the stream before a request line; throws on a request it cannot read. */
    private Request readRequest(InputStream in, OutputStream out, InetSocketAddress remote) throws IOException {
        String head = readHead(in);
        if (head == null) {
            return null;
        }
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            out.write(encodeBare(400));
            throw new IOException("malformed request line");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                out.write(encodeBare(400));
                throw new IOException("malformed header line");
            }
            headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    k -> new ArrayList<>()).add(lines[i].substring(colon + 1).strip());
        }
        Map<String, List<String>> immutable = new LinkedHashMap<>();
        headers.forEach((name, values) -> immutable.put(name, List.copyOf(values)));
        String target = requestLine[1];
        int query = target.indexOf('?');
        String path = query >= 0 ? target.substring(0, query) : target;
        if ("100-continue".equalsIgnoreCase(first(headers, "expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        byte[] body = readBody(in, headers);
        return new Request(requestLine[0], path, requestLine[2], Collections.unmodifiableMap(immutable), body,
                remote);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed within the request head");
            }
            if (head.size() == 0 && (b == '\r' || b == '\n')) {
                continue; // stray line breaks between requests
            }
            head.write(b);
            if (head.size() > MAX_HEADER_BYTES) {
                throw new IOException("request head too large");
            }
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        byte[] bytes = head.toByteArray();
        return new String(bytes, 0, bytes.length - 4, StandardCharsets.ISO_8859_1);
    }

    /** The body, or null when it is larger than the limit (then the rest is not read). */
    private byte[] readBody(InputStream in, Map<String, List<String>> headers) throws IOException {
        String transferEncoding = first(headers, "transfer-encoding");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            while (true) {
                String sizeLine = readLine(in);
                int semicolon = sizeLine.indexOf(';');
                int size = Integer.parseInt((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip(),
                        16);
                if (size == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers
                    }
                    return body.toByteArray();
                }
                if (body.size() + size > maxBodyBytes) {
                    return null;
                }
                body.write(in.readNBytes(size));
                readLine(in);
            }
        }
        String length = first(headers, "content-length");
        if (length == null) {
            return new byte[0];
        }
        long contentLength = Long.parseLong(length.strip());
        if (contentLength > maxBodyBytes) {
            // read what was announced (up to a bound), so that the client gets to read the 413
            in.skipNBytes(Math.min(contentLength, 16L * maxBodyBytes));
            return null;
        }
        byte[] bytes = in.readNBytes((int) contentLength);
        if (bytes.length < contentLength) {
            throw new IOException("connection closed within the request body");
        }
        return bytes;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
            if (line.length() > MAX_HEADER_BYTES) {
                throw new IOException("line too long");
            }
        }
        throw new IOException("connection closed within a chunked body");
    }

    private static byte[] encode(Request request, Response response) {
        boolean noBody = response.status() == 204 || response.status() == 304
                || "HEAD".equalsIgnoreCase(request.method());
        byte[] body = noBody ? new byte[0] : response.body();
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(response.status()).append(' ')
                .append(reasonPhrase(response.status())).append("\r\n");
        head.append("Date: ").append(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
        response.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (!noBody) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        if (response.close() || request.body() == null || !keepAlive(request)) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    private static byte[] encodeBare(int status) {
        return ("HTTP/1.1 " + status + " " + reasonPhrase(status) + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static String reasonPhrase(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Request Entity Too Large";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status " + status;
        };
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
