package dev.sessionreporter.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fast loopback SOAP stub for the benchmark: a JDK HttpServer on a fixed thread pool that reads the request, finds
 * the benchmark key in it ({@code bench<phase><9 digits>}) and answers one fixed byte[]: a correct WCF
 * {@code ReportSessionActiveResponse} ({@code Succeeded=true}, {@code Response=1001}). It records the first arrival of
 * every key of the tracked phase (counted on the stub side) and the CPU time of its own threads.
 */
final class SoapStub implements AutoCloseable {
    static final String PATH = "/Cust00000/Remote/Services88/CustomerService.svc";
    private static final String NS = "http://www.superoffice.net/ws/crm/NetServer/Services88";
    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
    static final byte[] ANSWER = ("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>"
            + "<ExceptionInfo xmlns=\"" + NS + "\" xmlns:i=\"" + XSI + "\" i:nil=\"true\"/>"
            + "<ExtraInfo xmlns=\"" + NS + "\" xmlns:i=\"" + XSI + "\" i:nil=\"true\"/>"
            + "<Succeeded xmlns=\"" + NS + "\">true</Succeeded>"
            + "<TimeZone xmlns=\"" + NS + "\" xmlns:i=\"" + XSI + "\" i:nil=\"true\"/>"
            + "</s:Header><s:Body><ReportSessionActiveResponse xmlns=\"" + NS + "\"><Response>1001</Response>"
            + "</ReportSessionActiveResponse></s:Body></s:Envelope>").getBytes(StandardCharsets.UTF_8);
    private static final byte[] MARK = "bench".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final ExecutorService pool;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicLong requests = new AtomicLong();
    private volatile char trackedPhase;
    private volatile AtomicLongArray arrivals = new AtomicLongArray(0);
    private final AtomicInteger trackedCount = new AtomicInteger();

    SoapStub(int threadCount) {
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threadCount, r -> {
            Thread t = new Thread(r, "bench-stub-" + n.incrementAndGet());
            t.setDaemon(true);
            threads.add(t);
            return t;
        });
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(pool);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            record(body);
            exchange.getResponseHeaders().set("Content-Type", "text/xml; charset=utf-8");
            exchange.sendResponseHeaders(200, ANSWER.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ANSWER);
            }
        });
        server.start();
        // the JDK server's dispatcher thread accepts and reads: it is part of the stub's CPU
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("HTTP-Dispatcher")) {
                threads.add(t);
            }
        }
    }

    private void record(byte[] body) {
        requests.incrementAndGet();
        int at = indexOf(body, MARK);
        if (at < 0 || at + MARK.length + 10 > body.length) {
            return;
        }
        char phase = (char) body[at + MARK.length];
        if (phase != trackedPhase) {
            return;
        }
        int index = 0;
        for (int i = at + MARK.length + 1; i < at + MARK.length + 10; i++) {
            index = index * 10 + (body[i] - '0');
        }
        AtomicLongArray a = arrivals;
        if (index < a.length() && a.compareAndSet(index, 0, System.nanoTime())) {
            trackedCount.incrementAndGet();
        }
    }

    private static int indexOf(byte[] data, byte[] mark) {
        outer:
        for (int i = 0; i <= data.length - mark.length; i++) {
            for (int j = 0; j < mark.length; j++) {
                if (data[i + j] != mark[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String key(char phase, int index) {
        return String.format("bench%c%09d", phase, index);
    }

    /** Starts counting the first arrival of each key {@code bench<phase>000000000..size-1}. */
    void track(char phase, int size) {
        arrivals = new AtomicLongArray(size);
        trackedCount.set(0);
        trackedPhase = phase;
    }

    int trackedCount() {
        return trackedCount.get();
    }

    long arrival(int index) {
        return arrivals.get(index);
    }

    long requests() {
        return requests.get();
    }

    /** CPU nanoseconds used so far by the stub's threads (pool and dispatcher). */
    long cpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : threads) {
            long cpu = mx.getThreadCpuTime(t.getId());
            if (cpu > 0) {
                sum += cpu;
            }
        }
        return sum;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
