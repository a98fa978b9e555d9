package dev.sessionreporter.bench;

import dev.sessionreporter.SessionReporterConfiguration;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.soap.CustomerServiceContract;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.xml.ws.BindingProvider;
import jakarta.xml.ws.Dispatch;
import jakarta.xml.ws.Service;
import jakarta.xml.ws.soap.SOAPBinding;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.Source;
import javax.xml.transform.stream.StreamSource;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.cxf.headers.Header;
import org.apache.cxf.staxutils.StaxUtils;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * End-to-end benchmark (not part of {@code mvn verify}; run with {@code mvn -B -Pbench verify}): the reporter as the
 * tests start it, against a fast loopback SOAP stub, with raw-HTTP and bare-CXF baselines against the same stub in the
 * same JVM and run. Prints one table and writes {@code target/benchmark.json}. See README "Benchmark".
 *
 * <p>System properties: {@code bench.queue.messages} (N, 50000), {@code bench.timer.keys} (K, 10000),
 * {@code bench.baseline.requests} (30000), {@code bench.warmup} (20000 calls per client, queue warm-up messages),
 * {@code bench.paced.messages} (3000) and {@code bench.paced.rate} (0: a third of the measured queue throughput) for
 * the queue latency phase.
 */
class EndToEndBenchmark {
    private static final String NS = CustomerServiceContract.NAMESPACE;
    private static final String SOAP_ACTION = CustomerServiceSimulator.SOAP_ACTION;

    private final int queueMessages = Integer.getInteger("bench.queue.messages", 50_000);
    private final int timerKeys = Integer.getInteger("bench.timer.keys", 10_000);
    private final int baselineRequests = Integer.getInteger("bench.baseline.requests", 30_000);
    private final int warmup = Integer.getInteger("bench.warmup", 20_000);
    /**
     * A warm-up is repeated (bench.warmup calls, messages or one tick each time) until the JIT compilers take less than
     * this share of the JVM's CPU in one round: while they still compile, the code measured is not the code that runs
     * for days, and on two cores the compilers take CPU from it. At most {@code bench.warmup.max-rounds} rounds.
     */
    private final double warmupJitPercent = Double.parseDouble(System.getProperty("bench.warmup.jit-percent", "3"));
    private final int warmupMaxRounds = Integer.getInteger("bench.warmup.max-rounds", 8);
    private final int timerRounds = Integer.getInteger("bench.timer.rounds", 3);
    /**
     * Ticks before the measured rounds, at least (more while the JIT still compiles, see bench.warmup.jit-percent): the
     * split and its threads are compiled only by ticks.
     */
    private final int timerWarmupTicks = Integer.getInteger("bench.timer.warmup-ticks", 3);
    /**
     * Pause before each measured phase and after each warm-up round, at least this long and until the JIT compilers
     * have been idle for it (at most bench.settle.max-seconds). On two cores under load the one C2 compiler thread gets
     * a small share of the CPU among ~40 busy threads: hundreds of hot methods then wait minutes in its queue and run
     * as C1 code meanwhile (seen with jcmd Compiler.queue). The phase before also leaves GC work behind that would be
     * billed to whichever phase comes next.
     */
    private final long settleMillis = Long.getLong("bench.settle-millis", 1_000);
    private final long settleMaxSeconds = Long.getLong("bench.settle.max-seconds", 120);
    private final int pacedMessages = Integer.getInteger("bench.paced.messages", 3_000);
    /** 0: a third of the measured queue-path throughput, so that the paced phase sees no backlog. */
    private final int pacedRateSetting = Integer.getInteger("bench.paced.rate", 0);

    /** Key phases of the queue's warm-up rounds (bench keys are bench<phase><index>). */
    private static final String WARMUP_PHASES = "WABDEFGHIJ";

    private final List<Row> rows = new ArrayList<>();
    private final List<Long> settledMillis = new ArrayList<>();
    private final Map<String, Object> facts = new LinkedHashMap<>();

    record Row(String name, int concurrency, int reports, Meter meter, long[] latencies, String baselineKey) {
        double seconds() {
            return meter.wallNanos / 1e9;
        }

        double rate() {
            return reports / seconds();
        }
    }

    @Test
    void endToEnd() throws Exception {
        int consumers;
        int timerConcurrency;
        Path work = Files.createTempDirectory("session-reporter-bench");
        Path keysFile = work.resolve("timer-keys.txt");
        Files.writeString(keysFile, SoapStub.key('S', 0) + "\n");
        try (SoapStub stub = new SoapStub(2)) {
            // ---- start the reporter as the tests do; the timer reports one key at once: start-up to first report
            stub.track('S', 1);
            int brokerPort = FreePort.find();
            Properties props = new Properties();
            // address and credentials: the canned stub in its own JVM
            props.setProperty("superoffice.url", stub.url());
            props.setProperty("superoffice.application-token", TestSecrets.APPLICATION_TOKEN);
            props.setProperty("superoffice.ticket", TestSecrets.TICKET);
            // port and folder of this run alone
            props.setProperty("broker.embedded.port", Integer.toString(brokerPort));
            props.setProperty("broker.embedded.data-dir", work.resolve("broker").toString());
            // one tick with the keys file the benchmark fills: start-up to first report, then the timer path
            props.setProperty("reporter.timer.enabled", "true");
            props.setProperty("reporter.timer.period", "1h");
            props.setProperty("reporter.timer.initial-delay", "100");
            props.setProperty("reporter.timer.session-keys-file", keysFile.toString());
            Main main = new Main();
            main.configure().addConfiguration(SessionReporterConfiguration.class);
            main.setPropertyPlaceholderLocations("file:application.properties");
            main.setOverrideProperties(props);
            long startAt = System.nanoTime();
            main.start();
            CamelContext context = main.getCamelContext();
            long contextStarted = System.nanoTime();
            awaitTracked(stub, 1, 60);
            long firstReport = stub.arrival(0);
            facts.put("startupToFirstReportMillis", (firstReport - startAt) / 1e6);
            facts.put("camelStartMillis", (contextStarted - startAt) / 1e6);
            consumers = Integer.parseInt(context.resolvePropertyPlaceholders("{{reporter.queue.concurrent-consumers}}"));
            facts.put("queueConsumers", consumers);
            timerConcurrency = Integer.parseInt(context.resolvePropertyPlaceholders("{{reporter.timer.concurrency}}"));
            facts.put("timerConcurrency", timerConcurrency);
            awaitRouteIdle(context, "session-reporter-timer-trigger");
            context.getRouteController().stopRoute("session-reporter-timer-trigger");

            try {
                // ---- baselines (a) raw java.net.http and (b) bare CXF, at the queue's and at the timer's concurrency
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                byte[] envelope = rawEnvelope(SoapStub.key('R', 0));
                Call raw = i -> rawPost(http, stub.url(), envelope);
                ThreadLocal<Dispatch<Source>> dispatches = ThreadLocal.withInitial(() -> cxfDispatch(stub.url()));
                Call cxf = i -> cxfCall(dispatches.get(), SoapStub.key('C', i));
                int[] concurrencies = consumers == timerConcurrency ? new int[] {consumers}
                        : new int[] {consumers, timerConcurrency};
                for (int c : concurrencies) {
                    warmUp("raw@" + c, round -> run(stub, "warm-up raw", c, warmup, raw, null).meter);
                    warmUp("cxf@" + c, round -> run(stub, "warm-up cxf", c, warmup, cxf, null).meter);
                }
                settle();
                rows.add(run(stub, "(a) raw java.net.http", consumers, baselineRequests, raw, null));
                settle();
                rows.add(run(stub, "(b) bare CXF Dispatch", consumers, baselineRequests, cxf,
                        "(a) raw java.net.http@" + consumers));

                // ---- queue path
                ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
                factory.setBlockOnDurableSend(false);
                try (Connection connection = factory.createConnection()) {
                    connection.start();
                    // warm-up through the whole path, in the shape of the measurement: a backlog preloaded while
                    // the consumers are suspended, then drained (the broker's dispatch of a backlog is other code
                    // than a trickle: warmed only by a trickle, the measured phase still compiled)
                    warmUp("queue", round -> {
                        // new keys each round: the same key again within reporter.duplicates.window is suppressed
                        char phase = WARMUP_PHASES.charAt(round % WARMUP_PHASES.length());
                        context.getRouteController().suspendRoute("session-reporter-queue-trigger");
                        stub.track(phase, warmup);
                        preload(connection, phase, warmup, new long[warmup]);
                        settle();
                        Meter meter = new Meter(stub).start();
                        context.getRouteController().resumeRoute("session-reporter-queue-trigger");
                        awaitTracked(stub, warmup, 600);
                        return meter.stop();
                    });

                    // preload N with the consumers suspended, then measure until the stub has seen all N
                    context.getRouteController().suspendRoute("session-reporter-queue-trigger");
                    long[] enqueued = new long[queueMessages];
                    stub.track('Q', queueMessages);
                    preload(connection, 'Q', queueMessages, enqueued);
                    settle();
                    Meter meter = new Meter(stub).start();
                    context.getRouteController().resumeRoute("session-reporter-queue-trigger");
                    awaitTracked(stub, queueMessages, 600 + queueMessages / 100);
                    meter.stop();
                    long[] backlog = new long[queueMessages];
                    for (int i = 0; i < queueMessages; i++) {
                        backlog[i] = stub.arrival(i) - enqueued[i];
                    }
                    rows.add(new Row("queue path, preloaded backlog (enqueue->stub latency incl. queue wait)",
                            consumers, queueMessages, meter, backlog, "(a) raw java.net.http@" + consumers));

                    // paced: messages at a fixed rate, enqueue -> stub arrival latency without a backlog
                    double measured = queueMessages / (meter.wallNanos / 1e9);
                    int pacedRate = pacedRateSetting > 0 ? pacedRateSetting : Math.max(10, (int) (measured / 3));
                    long[] sent = new long[pacedMessages];
                    stub.track('P', pacedMessages);
                    settle();
                    Meter paced = new Meter(stub).start();
                    pace(connection, pacedMessages, pacedRate, sent);
                    awaitTracked(stub, pacedMessages, 120);
                    paced.stop();
                    long[] latencies = new long[pacedMessages];
                    for (int i = 0; i < pacedMessages; i++) {
                        latencies[i] = stub.arrival(i) - sent[i];
                    }
                    rows.add(new Row("queue path, paced at " + pacedRate + "/s (enqueue->stub latency)", consumers,
                            pacedMessages, paced, latencies, null));
                }
                factory.close();

                // ---- timer path: warm-up ticks, then rounds of (a), (b) and one tick of K keys each, side by side so
                // that the ratios compare neighbours (the machine is shared); the median round of each is reported.
                for (int warmupTick = 1; warmupTick < timerWarmupTicks; warmupTick++) {
                    tick(context, stub, keysFile, 'V');
                }
                warmUp("timer", round -> tick(context, stub, keysFile, 'V').meter);
                String suffix = ", " + timerRounds + " rounds next to the ticks, median";
                List<Row> rawRounds = new ArrayList<>();
                List<Row> cxfRounds = new ArrayList<>();
                List<Row> tickRounds = new ArrayList<>();
                for (int round = 0; round < timerRounds; round++) {
                    settle();
                    rawRounds.add(run(stub, "(a) raw java.net.http" + suffix, timerConcurrency, timerKeys, raw, null));
                    settle();
                    cxfRounds.add(run(stub, "(b) bare CXF Dispatch" + suffix, timerConcurrency, timerKeys, cxf,
                            "(a) raw java.net.http" + suffix + "@" + timerConcurrency));
                    settle();
                    tickRounds.add(tick(context, stub, keysFile, "KLMNOXYZ".charAt(round % 8)));
                }
                rows.add(median(rawRounds));
                rows.add(median(cxfRounds));
                Row tick = median(tickRounds);
                rows.add(new Row("timer path, one tick of " + timerKeys + " keys (gap between arrivals)" + suffix,
                        timerConcurrency, timerKeys, tick.meter, tick.latencies,
                        "(a) raw java.net.http" + suffix + "@" + timerConcurrency));
                StringBuilder tickSeconds = new StringBuilder("[");
                for (Row row : tickRounds) {
                    tickSeconds.append(tickSeconds.length() > 1 ? ", " : "").append(String.format(Locale.ROOT, "%.3f", row.seconds()));
                }
                facts.put("timerTickSeconds", tickSeconds.append(']'));
            } finally {
                main.stop();
            }
            print();
        } finally {
            // the broker journal of the run (tens of MB)
            try (java.util.stream.Stream<Path> files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /**
     * One tick of K keys of this phase: from the timer firing to the K-th key at the stub. Not from starting the
     * route: starting the route and its scheduler is not tick time.
     */
    private Row tick(CamelContext context, SoapStub stub, Path keysFile, char phase) throws Exception {
        writeKeys(keysFile, phase, timerKeys);
        stub.track(phase, timerKeys);
        Meter meter = new Meter(stub);
        TickStart tickStart = TickStart.on(context, meter);
        context.getRouteController().startRoute("session-reporter-timer-trigger");
        long tickStarted = tickStart.await();
        awaitTracked(stub, timerKeys, 600);
        meter.stop();
        awaitRouteIdle(context, "session-reporter-timer-trigger");
        context.getRouteController().stopRoute("session-reporter-timer-trigger");
        tickStart.remove();
        // keys arrive in no fixed order: gaps between consecutive arrivals in time order
        long[] arrivals = new long[timerKeys];
        for (int i = 0; i < timerKeys; i++) {
            arrivals[i] = stub.arrival(i);
        }
        java.util.Arrays.sort(arrivals);
        long[] gaps = new long[timerKeys];
        for (int i = 1; i < timerKeys; i++) {
            gaps[i] = arrivals[i] - arrivals[i - 1];
        }
        gaps[0] = arrivals[0] - tickStarted;
        return new Row("tick " + phase, 0, timerKeys, meter, gaps, null);
    }

    @FunctionalInterface
    interface WarmupRound {
        Meter run(int round) throws Exception;
    }

    /** Repeats a warm-up round until the JIT's share of the CPU falls below bench.warmup.jit-percent (see there). */
    private void warmUp(String name, WarmupRound round) throws Exception {
        StringBuilder shares = new StringBuilder("[");
        for (int i = 1; ; i++) {
            double jit = round.run(i).jitPercent();
            settle();
            shares.append(i > 1 ? ", " : "").append(String.format(Locale.ROOT, "%.1f", jit));
            if (jit < warmupJitPercent || i >= warmupMaxRounds) {
                break;
            }
        }
        String result = shares.append(']').toString();
        System.out.println("warm-up " + name + ": JIT % of CPU per round " + result);
        facts.put("warmupJitPercent_" + name.replace('@', '_'), result);
    }

    /** Waits at least bench.settle-millis and until the JIT compiler threads have been idle that long (see there). */
    private void settle() throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + settleMaxSeconds * 1_000_000_000L;
        long idleSince = start;
        long jit = Meter.jitCpuNanos();
        while (System.nanoTime() - idleSince < settleMillis * 1_000_000L && System.nanoTime() < deadline) {
            Thread.sleep(100);
            long now = Meter.jitCpuNanos();
            if (now - jit > 10_000_000L) { // more than one 10 ms tick: still compiling
                idleSince = System.nanoTime();
            }
            jit = now;
        }
        settledMillis.add((System.nanoTime() - start) / 1_000_000);
    }

    private static Row median(List<Row> rounds) {
        List<Row> byRate = new ArrayList<>(rounds);
        byRate.sort(java.util.Comparator.comparingDouble(Row::rate));
        return byRate.get(byRate.size() / 2);
    }

    // ------------------------------------------------------------------------------------------------ clients

    @FunctionalInterface
    interface Call {
        void call(int index) throws Exception;
    }

    private static Row run(SoapStub stub, String name, int concurrency, int total, Call call, String baselineKey)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        long[] latencies = new long[total];
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread[] threads = new Thread[concurrency];
        Meter meter = new Meter(stub).start();
        for (int t = 0; t < concurrency; t++) {
            threads[t] = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < total) {
                    long begin = System.nanoTime();
                    try {
                        call.call(i);
                    } catch (Throwable e) {
                        errors.add(e);
                        return;
                    }
                    latencies[i] = System.nanoTime() - begin;
                }
            }, "bench-client-" + t);
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        meter.stop();
        if (!errors.isEmpty()) {
            throw new IllegalStateException(name + " failed " + errors.size() + " time(s)", errors.get(0));
        }
        return new Row(name, concurrency, total, meter, latencies, baselineKey);
    }

    private static byte[] rawEnvelope(String sessionKey) {
        return ("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>"
                + "<ApplicationToken xmlns=\"" + NS + "\">" + TestSecrets.APPLICATION_TOKEN + "</ApplicationToken>"
                + "<Credentials xmlns=\"" + NS + "\"><Ticket>" + TestSecrets.TICKET + "</Ticket></Credentials>"
                + "</s:Header><s:Body><ReportSessionActive xmlns=\"" + NS + "\"><SessionKey>" + sessionKey
                + "</SessionKey></ReportSessionActive></s:Body></s:Envelope>").getBytes(StandardCharsets.UTF_8);
    }

    /** Raw POSTs sent again because a kept-alive connection turned out closed (shown as a fact of the run). */
    private static final AtomicInteger RAW_RETRIES = new AtomicInteger();

    private static void rawPost(HttpClient http, String url, byte[] envelope) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "text/xml; charset=UTF-8")
                .header("SOAPAction", SOAP_ACTION)
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException staleConnection) {
            // java.net.http does not re-send a POST on a pooled connection the server has closed (HttpURLConnection
            // does); under heavy load this happened about once per run: send it once more, as a real client would
            RAW_RETRIES.incrementAndGet();
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
        if (response.statusCode() != 200 || response.body().length != SoapStub.ANSWER.length) {
            throw new IllegalStateException("raw POST: HTTP " + response.statusCode());
        }
    }

    private static Dispatch<Source> cxfDispatch(String url) {
        try {
            QName port = CustomerServiceContract.PORT;
            Service service = Service.create(CustomerServiceContract.SERVICE);
            service.addPort(port, SOAPBinding.SOAP11HTTP_BINDING, url);
            Dispatch<Source> dispatch = service.createDispatch(port, Source.class, Service.Mode.PAYLOAD);
            Map<String, Object> rc = dispatch.getRequestContext();
            // the reporter's conduit (HttpURLConnection), chosen per client as the reporter does
            rc.put("force.urlconnection.http.conduit", Boolean.TRUE);
            rc.put(BindingProvider.SOAPACTION_USE_PROPERTY, Boolean.TRUE);
            rc.put(BindingProvider.SOAPACTION_URI_PROPERTY,
                    SOAP_ACTION.substring(1, SOAP_ACTION.length() - 1));
            DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
            dbf.setNamespaceAware(true);
            Document doc = dbf.newDocumentBuilder().newDocument();
            Element token = doc.createElementNS(NS, "ApplicationToken");
            token.setTextContent(TestSecrets.APPLICATION_TOKEN);
            Element credentials = doc.createElementNS(NS, "Credentials");
            Element ticket = doc.createElementNS(NS, "Ticket");
            ticket.setTextContent(TestSecrets.TICKET);
            credentials.appendChild(ticket);
            rc.put(Header.HEADER_LIST, List.of(new Header(new QName(NS, "ApplicationToken"), token),
                    new Header(new QName(NS, "Credentials"), credentials)));
            return dispatch;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void cxfCall(Dispatch<Source> dispatch, String sessionKey) throws Exception {
        Source answer = dispatch.invoke(new StreamSource(new StringReader(
                "<ReportSessionActive xmlns=\"" + NS + "\"><SessionKey>" + sessionKey + "</SessionKey></ReportSessionActive>")));
        Document document = StaxUtils.read(answer);
        String response = document.getElementsByTagNameNS(NS, "Response").item(0).getTextContent();
        if (Integer.parseInt(response.trim()) <= 0) {
            throw new IllegalStateException("bare CXF: Response=" + response);
        }
    }

    // ------------------------------------------------------------------------------------------------ queue, timer

    /** Sends {@code count} persistent text messages in local transactions of 500, recording each enqueue time. */
    private static void preload(Connection connection, char phase, int count, long[] enqueued) throws Exception {
        try (Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = session.createProducer(session.createQueue("superoffice.session-active"))) {
            for (int i = 0; i < count; i++) {
                enqueued[i] = System.nanoTime();
                producer.send(session.createTextMessage(SoapStub.key(phase, i)));
                if (i % 500 == 499) {
                    session.commit();
                }
            }
            session.commit();
        }
    }

    /** Sends persistent messages one by one at {@code rate}/s (non-blocking durable sends). */
    private static void pace(Connection connection, int count, int rate, long[] sent) throws Exception {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue("superoffice.session-active"))) {
            long start = System.nanoTime();
            long interval = 1_000_000_000L / rate;
            for (int i = 0; i < count; i++) {
                long due = start + i * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                sent[i] = System.nanoTime();
                producer.send(session.createTextMessage(SoapStub.key('P', i)));
            }
        }
    }

    private static void writeKeys(Path file, char phase, int count) throws Exception {
        StringBuilder sb = new StringBuilder(count * 16);
        for (int i = 0; i < count; i++) {
            sb.append(SoapStub.key(phase, i)).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void awaitTracked(SoapStub stub, int count, int timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (stub.trackedCount() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + stub.trackedCount() + " of " + count + " reported in "
                        + timeoutSeconds + " s");
            }
            Thread.sleep(1);
        }
    }

    private static void awaitRouteIdle(CamelContext context, String routeId) throws InterruptedException {
        for (int i = 0; i < 5000 && context.getInflightRepository().size(routeId) > 0; i++) {
            Thread.sleep(2);
        }
    }

    // ------------------------------------------------------------------------------------------------ output

    private Row find(String key) {
        for (Row row : rows) {
            if ((row.name + "@" + row.concurrency).equals(key)) {
                return row;
            }
        }
        return null;
    }

    private void print() throws Exception {
        facts.put("rawPostsSentAgain", RAW_RETRIES.get());
        facts.put("settleMillis", settledMillis);
        Runtime rt = Runtime.getRuntime();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nSession reporter end-to-end benchmark: %d cores, max heap %d MiB, Java %s%n",
                rt.availableProcessors(), rt.maxMemory() >> 20, System.getProperty("java.version")));
        out.append(String.format(Locale.ROOT, "%-72s %3s %7s %8s %6s %6s %8s %8s %8s %9s %6s %6s %6s %5s %5s%n", "path", "c",
                "reports", "rep/s", "x(a)", "x(b)", "p50 ms", "p95 ms", "p99 ms", "cpu s/1k", "stub%", "heapMB", "rssMB",
                "gc%", "jit%"));
        StringBuilder json = new StringBuilder("{\n  \"cores\": ").append(rt.availableProcessors())
                .append(",\n  \"maxHeapMiB\": ").append(rt.maxMemory() >> 20)
                .append(",\n  \"javaVersion\": \"").append(System.getProperty("java.version")).append('"');
        for (Map.Entry<String, Object> fact : facts.entrySet()) {
            json.append(",\n  \"").append(fact.getKey()).append("\": ").append(fact.getValue());
        }
        json.append(",\n  \"rows\": [");
        boolean first = true;
        for (Row row : rows) {
            Row base = row.baselineKey == null ? null : find(row.baselineKey);
            double ratio = base == null ? Double.NaN : row.rate() / base.rate();
            Row cxfBase = row.baselineKey == null || row.name.startsWith("(b)") ? null
                    : find(row.baselineKey.replace("(a) raw java.net.http", "(b) bare CXF Dispatch"));
            double ratioB = cxfBase == null ? Double.NaN : row.rate() / cxfBase.rate();
            long[] sorted = Meter.sorted(row.latencies);
            double p50 = Meter.percentileMillis(sorted, 50);
            double p95 = Meter.percentileMillis(sorted, 95);
            double p99 = Meter.percentileMillis(sorted, 99);
            double cpuPer1000 = row.meter.cpuNanos / 1e9 / row.reports * 1000;
            double stubShare = 100.0 * row.meter.stubCpuNanos / (row.meter.cpuNanos + row.meter.stubCpuNanos);
            double gcPercent = 100.0 * row.meter.gcMillis / (row.meter.wallNanos / 1e6);
            out.append(String.format(Locale.ROOT, "%-72s %3d %7d %8.0f %6.2f %6.2f %8.2f %8.2f %8.2f %9.3f %6.1f %6d %6d %5.1f %5.1f%n",
                    row.name, row.concurrency, row.reports, row.rate(), ratio, ratioB, p50, p95, p99, cpuPer1000, stubShare,
                    row.meter.peakHeapBytes >> 20, row.meter.peakRssBytes >> 20, gcPercent, row.meter.jitPercent()));
            json.append(first ? "\n" : ",\n").append(String.format(Locale.ROOT,
                    "    {\"path\": \"%s\", \"concurrency\": %d, \"reports\": %d, \"seconds\": %.3f, \"reportsPerSecond\": %.1f,"
                            + " \"ratioToRaw\": %s, \"ratioToBareCxf\": %s, \"p50Millis\": %.3f, \"p95Millis\": %.3f, \"p99Millis\": %.3f,"
                            + " \"cpuSecondsPer1000\": %.4f, \"stubCpuPercent\": %.1f, \"peakHeapMiB\": %d, \"peakRssMiB\": %d, \"gcPercent\": %.2f, \"jitPercent\": %.2f}",
                    row.name.replace("\"", "'"), row.concurrency, row.reports, row.seconds(), row.rate(),
                    Double.isNaN(ratio) ? "null" : String.format(Locale.ROOT, "%.3f", ratio),
                    Double.isNaN(ratioB) ? "null" : String.format(Locale.ROOT, "%.3f", ratioB), p50, p95, p99,
                    cpuPer1000, stubShare, row.meter.peakHeapBytes >> 20, row.meter.peakRssBytes >> 20, gcPercent,
                    row.meter.jitPercent()));
            first = false;
        }
        json.append("\n  ]\n}\n");
        for (Map.Entry<String, Object> fact : facts.entrySet()) {
            out.append(fact.getKey()).append(" = ").append(fact.getValue()).append('\n');
        }
        out.append("""
                cpu s/1k: CPU seconds of the whole JVM less the stub's threads, per 1,000 reports (the queue path \
                includes the embedded broker); stub%: the stub's share of the JVM's CPU in that phase; heapMB: peak heap \
                (sum of pool peaks); rssMB: the JVM process's peak resident set size in the phase (Linux VmHWM, reset \
                at its start; -1 without /proc); gc%: GC time / wall time; jit%: the JIT compiler threads' share of the JVM's \
                CPU (stub included) in the phase. x(a), x(b): throughput ratio to baseline (a) raw java.net.http and \
                (b) bare CXF at the same concurrency. Baseline p50..p99: per-call latency; timer p50..p99: gaps between \
                consecutive arrivals at the stub.
                """);
        System.out.println(out);
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("benchmark.json"), json);
        Files.writeString(target.resolve("benchmark.txt"), out);
    }
}
