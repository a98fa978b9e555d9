package dev.sessionreporter.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A far side that misbehaves below HTTP, as a load balancer or a broken server can: a TCP server on loopback that does
 * what its {@link Behaviour} says with every accepted connection, and records the head of every HTTP request it read.
 */
public final class RawTcpServer implements AutoCloseable {

    /** What to do with one accepted connection. */
    @FunctionalInterface
    public interface Behaviour {
        void handle(Socket socket, RawTcpServer server) throws IOException;
    }

    private final ServerSocket serverSocket;
    private final ExecutorService connections = Executors.newCachedThreadPool();
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();
    private volatile Behaviour behaviour;

    public RawTcpServer(Behaviour behaviour) {
        this.behaviour = behaviour;
        try {
            serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "raw-tcp-server-" + serverSocket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Reads the client's first TLS record (the ClientHello) and closes the connection without an answer, as a load
     * balancer that drops it does: the client reads the end of the stream in the middle of the handshake.
     */
    public static Behaviour closeDuringTlsHandshake() {
        return (socket, server) -> {
            InputStream in = socket.getInputStream();
            byte[] header = in.readNBytes(5); // content type, version, length (RFC 8446 5.1)
            if (header.length == 5) {
                in.readNBytes(((header[3] & 0xff) << 8) | (header[4] & 0xff));
            }
            socket.close();
        };
    }

    /** Like {@link #closeDuringTlsHandshake()}, but resets the connection (RST) instead of closing it. */
    public static Behaviour resetDuringTlsHandshake() {
        return (socket, server) -> {
            socket.getInputStream().read(new byte[512]);
            socket.setSoLinger(true, 0);
            socket.close();
        };
    }

    /** Reads one whole HTTP request, then resets the connection without answering. */
    public static Behaviour resetAfterRequest() {
        return (socket, server) -> {
            server.readRequest(socket.getInputStream());
            socket.setSoLinger(true, 0);
            socket.close();
        };
    }

    /** Reads one whole HTTP request, writes {@code rawAnswer} as it is and closes the connection. */
    public static Behaviour answer(String rawAnswer) {
        return (socket, server) -> {
            server.readRequest(socket.getInputStream());
            socket.getOutputStream().write(rawAnswer.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            socket.close();
        };
    }

    public void behave(Behaviour newBehaviour) {
        this.behaviour = newBehaviour;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public String url(String scheme) {
        return scheme + "://127.0.0.1:" + port() + "/Cust00000/Remote/Services88/CustomerService.svc";
    }

    /** The request line and headers of every HTTP request read so far. */
    public List<String> requestHeads() {
        return List.copyOf(requestHeads);
    }

    public void clear() {
        requestHeads.clear();
    }

    private void accept() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                connections.execute(() -> {
                    try (socket) {
                        behaviour.handle(socket, this);
                    } catch (IOException e) {
                        // the client gave up first: nothing to do
                    }
                });
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        requestHeads.add(text);
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring("content-length:".length()).strip()));
            }
        }
    }

    @Override
    public void close() {
        try {
            serverSocket.close();
        } catch (IOException e) {
            // closing anyway
        }
        connections.shutdownNow();
    }
}
