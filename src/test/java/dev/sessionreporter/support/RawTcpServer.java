package dev.sessionreporter.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern SESSION_KEY = Pattern.compile("SessionKey>([^<]*)</");

    private final ServerSocket serverSocket;
    private final ExecutorService connections = Executors.newCachedThreadPool();
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();
    private final List<Long> answersCut = new CopyOnWriteArrayList<>();
    private final List<Long> millisHeld = new CopyOnWriteArrayList<>();
    private final Map<Socket, String> requests = new ConcurrentHashMap<>();
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
            server.readRequest(socket);
            socket.setSoLinger(true, 0);
            socket.close();
        };
    }

    /** Reads one whole HTTP request, writes {@code rawAnswer} as it is and closes the connection. */
    public static Behaviour answer(String rawAnswer) {
        return (socket, server) -> {
            server.readRequest(socket);
            socket.getOutputStream().write(rawAnswer.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            socket.close();
        };
    }

    /**
     * Reads one whole HTTP request and answers 200 with a well-formed ReportSessionActive reply (Response 4242) whose
     * Body is padded with blanks to {@code declaredLength} bytes, declared in Content-Length; records the bytes it wrote
     * if the client closes the connection before the end (see {@link #answersCut()}).
     */
    public static Behaviour paddedAnswer(int declaredLength) {
        return (socket, server) -> {
            server.readRequest(socket);
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: " + declaredLength
                    + "\r\n\r\n" + ANSWER_START).getBytes(StandardCharsets.UTF_8);
            byte[] end = ANSWER_END.getBytes(StandardCharsets.UTF_8);
            long padding = declaredLength - ANSWER_START.length() - end.length;
            server.writeCounted(socket, head, blanks(8192), padding, end);
        };
    }

    /**
     * Reads one whole HTTP request and answers 200 with the start of a SOAP envelope followed by blanks that never end,
     * in chunks or (neither length nor chunks) until the connection closes; records the bytes it wrote once the client
     * closes the connection (see {@link #answersCut()}).
     */
    public static Behaviour endlessAnswer(boolean chunked) {
        return (socket, server) -> {
            server.readRequest(socket);
            String head = "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n\r\n" + chunkOf(ANSWER_START)
                            : "Connection: close\r\n\r\n" + ANSWER_START);
            byte[] filler = chunked ? chunkOf(" ".repeat(8192)).getBytes(StandardCharsets.UTF_8) : blanks(8192);
            server.writeCounted(socket, head.getBytes(StandardCharsets.UTF_8), filler, Long.MAX_VALUE, new byte[0]);
        };
    }

    /** A well-formed ReportSessionActive reply up to its Body's content, and the rest of it. */
    private static final String ANSWER_START = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
            + "<s:Header><Succeeded xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services88\">true</Succeeded>"
            + "</s:Header><s:Body>";
    private static final String ANSWER_END = "<ReportSessionActiveResponse"
            + " xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services88\"><Response>4242</Response>"
            + "</ReportSessionActiveResponse></s:Body></s:Envelope>";

    private static String chunkOf(String text) {
        return Integer.toHexString(text.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + text + "\r\n";
    }

    private static byte[] blanks(int count) {
        byte[] blanks = new byte[count];
        java.util.Arrays.fill(blanks, (byte) ' ');
        return blanks;
    }

    /**
     * Writes {@code head}, then {@code filler} over and over up to {@code fillerBytes} bytes ({@link Long#MAX_VALUE}:
     * forever), then {@code end}. If the client closes the connection first, records the bytes written so far in
     * {@link #answersCut()}.
     */
    private void writeCounted(Socket socket, byte[] head, byte[] filler, long fillerBytes, byte[] end) {
        long written = 0;
        try {
            OutputStream out = socket.getOutputStream();
            out.write(head);
            written = head.length;
            for (long left = fillerBytes; left > 0; left = fillerBytes == Long.MAX_VALUE ? left : left - filler.length) {
                int length = (int) Math.min(filler.length, left);
                out.write(filler, 0, length);
                written += length;
            }
            out.write(end);
            out.flush();
        } catch (IOException e) {
            answersCut.add(written);
        }
    }

    /** The number of bytes of each answer that the client cut short by closing the connection, in order. */
    public List<Long> answersCut() {
        return List.copyOf(answersCut);
    }

    /**
     * A hostile SuperOffice that answers by session key: reads one whole HTTP request, writes the raw answer
     * {@code answers} gives for the request's {@code SessionKey} as it is, and closes the connection. Scenarios with
     * many keys, each answered its own way, can then run through one reporter at once.
     */
    public static Behaviour answerByKey(Function<String, String> answers) {
        return (socket, server) -> {
            String request = server.readRequest(socket);
            Matcher key = SESSION_KEY.matcher(request);
            String answer = saysItCloses(answers.apply(key.find() ? key.group(1) : ""));
            socket.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            socket.close();
        };
    }

    /**
     * The answer with {@code Connection: close} after its status line, unless it names a Connection itself: the server
     * closes after each answer, and a client that kept the connection for its next call would meet a closed one there
     * (an EOF, rightly retried) instead of the answer under test.
     */
    private static String saysItCloses(String answer) {
        int endOfStatusLine = answer.indexOf("\r\n");
        if (endOfStatusLine < 0 || !answer.regionMatches(true, 0, "HTTP/", 0, 5)
                || answer.toLowerCase(java.util.Locale.ROOT).contains("\r\nconnection:")) {
            return answer;
        }
        return answer.substring(0, endOfStatusLine) + "\r\nConnection: close" + answer.substring(endOfStatusLine);
    }

    /**
     * A hostile SuperOffice that behaves by session key: with the request's {@code SessionKey} as {@code byKey} says,
     * else as {@code otherwise}.
     */
    public static Behaviour byKey(Map<String, Behaviour> byKey, Behaviour otherwise) {
        return (socket, server) -> {
            Matcher key = SESSION_KEY.matcher(server.readRequest(socket));
            (key.find() ? byKey.getOrDefault(key.group(1), otherwise) : otherwise).handle(socket, server);
        };
    }

    /**
     * Reads one whole HTTP request and sends a well-formed ReportSessionActive reply (Response 4242, Content-Length)
     * one byte every {@code millisPerByte}: from its first byte ({@code headersToo}) or after its headers, sent at once.
     * Records the bytes it wrote once the client closes the connection (see {@link #answersCut()}).
     */
    public static Behaviour trickledAnswer(long millisPerByte, boolean headersToo) {
        return (socket, server) -> {
            server.readRequest(socket);
            long start = System.nanoTime();
            byte[] body = (ANSWER_START + ANSWER_END).getBytes(StandardCharsets.UTF_8);
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = new byte[head.length + body.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(body, 0, all, head.length, body.length);
            int written = 0;
            try {
                OutputStream out = socket.getOutputStream();
                if (!headersToo) {
                    out.write(head);
                    out.flush();
                    written = head.length;
                }
                for (; written < all.length; written++) {
                    Thread.sleep(millisPerByte);
                    out.write(all[written]);
                    out.flush();
                }
            } catch (IOException e) {
                server.millisHeld.add((System.nanoTime() - start) / 1_000_000);
                server.answersCut.add((long) written);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /**
     * Reads one whole HTTP request, waits {@code millisBeforeHeaders}, sends the headers of a 200 answer with a
     * Content-Length and then nothing more until the client closes the connection (recorded in {@link #answersCut()}).
     */
    public static Behaviour headersThenSilence(long millisBeforeHeaders) {
        return (socket, server) -> {
            server.readRequest(socket);
            long start = System.nanoTime();
            try {
                Thread.sleep(millisBeforeHeaders);
                socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n"
                        + "Content-Length: 400\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                try {
                    // the client closing the connection ends the wait: read returns the end of the stream or fails
                    socket.getInputStream().read();
                } catch (IOException closed) {
                    // reset by the client: closed all the same
                }
                server.millisHeld.add((System.nanoTime() - start) / 1_000_000);
                server.answersCut.add(0L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** For each answer the client cut short: milliseconds from the end of the request until it closed the connection. */
    public List<Long> millisHeld() {
        return List.copyOf(millisHeld);
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
        answersCut.clear();
        millisHeld.clear();
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
                    } finally {
                        requests.remove(socket);
                    }
                });
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /**
     * Reads one whole HTTP request on {@code socket} once and returns its head and body (the body read by its
     * Content-Length; the same text again on later calls), empty when the client closed first.
     */
    private String readRequest(Socket socket) throws IOException {
        String known = requests.get(socket);
        if (known != null) {
            return known;
        }
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return "";
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        requestHeads.add(text);
        byte[] body = new byte[0];
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                body = in.readNBytes(Integer.parseInt(line.substring("content-length:".length()).strip()));
            }
        }
        String request = text + new String(body, StandardCharsets.UTF_8);
        requests.put(socket, request);
        return request;
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
