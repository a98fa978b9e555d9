package dev.sessionreporter.bench;

import java.io.IOException;

/**
 * The benchmark's stub as a process of its own, answering like a server far away: {@code FarSoapStub DELAY_MS
 * JITTER_MS THREADS}. Prints {@code url <address>} once it listens and runs until its standard input ends (the
 * benchmark that started it went away or closed it), so it never outlives the benchmark.
 */
public final class FarSoapStub {
    private FarSoapStub() {
    }

    public static void main(String[] args) throws IOException {
        long delay = Long.parseLong(args[0]);
        long jitter = Long.parseLong(args[1]);
        int threads = Integer.parseInt(args[2]);
        try (SoapStub stub = new SoapStub(threads, delay, jitter)) {
            System.out.println("url " + stub.url());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the end of standard input
            }
        }
    }
}
