package dev.sessionreporter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.ManagementClient;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * The reporter against a server far away: the stub ({@link FarSoapStub}) in a JVM of its own answers every call after
 * {@code bench.far.delay} ms ± {@code bench.far.jitter}, and the reporter runs as the README runs it, the packaged jar
 * in a process of its own (profile prod, embedded broker), so that its peak RSS and threads are its own. Run by
 * {@code mvn -B -Pbench verify} through Failsafe, after the jar is built (docs/benchmark.md).
 *
 * <p>Each scenario is measured against its physical limit: calls in flight (the smaller of the threads or consumers
 * and {@code superoffice.max-calls-in-flight}) ÷ the mean round trip. Ticks are timed by the reporter itself
 * ({@code sessionreporter_timer_tick_duration_seconds}); a queue drain by the reported count, from the end of the
 * preload (the backlog is in place) to the last key. Results: {@code target/benchmark-far.txt}.
 */
class FarServerBenchmark {
    private static final Path JAR = Path.of(System.getProperty("session-reporter.jar", "target/session-reporter.jar"));
    private static final Path WORK = Path.of("target", "far-bench");
    private static final int DELAY = Integer.getInteger("bench.far.delay", 100);
    private static final int JITTER = Integer.getInteger("bench.far.jitter", 20);
    private static final int TIMER_KEYS = Integer.getInteger("bench.far.timer.keys", 10_000);
    private static final int TICKS = Integer.getInteger("bench.far.timer.ticks", 12);
    private static final int QUEUE_MESSAGES = Integer.getInteger("bench.far.queue.messages", 100_000);
    private static final int QUEUE_CONSUMERS = Integer.getInteger("bench.far.queue.consumers", 192);
    /** Share of a backlog reported before the clock starts (the JIT compiler's warm-up), in percent. */
    private static final int QUEUE_WARM_UP_PERCENT = Integer.getInteger("bench.far.queue.warm-up-percent", 40);
    private static final int FAST_TIMER = Integer.getInteger("bench.far.timer.fast", 250);
    /** JVM options the fast timer adds to {@link #JVM_ARGS} (docs/operations.md names them for a tick under 5 s). */
    private static final String FAST_TIMER_JVM_ARGS =
            System.getProperty("bench.far.timer.fast.jvm.args", "-XX:+UseParallelGC").strip();
    /** Which scenarios run: timer, timer-fast, queue-shipped, queue (all by default). */
    private static final List<String> SCENARIOS =
            List.of(System.getProperty("bench.far.scenarios", "timer,timer-fast,queue-shipped,queue").split(","));
    /** Options of the reporter's JVM (the bench profile: -Xmx256m, the README's prod command; empty: none). */
    private static final String JVM_ARGS = System.getProperty("bench.far.jvm.args", "").strip();

    private final List<String> rows = new ArrayList<>();
    private long stubPid;
    /** CPU seconds of the reporter and the stub when the measured part of a scenario began. */
    private double reporterCpuAtStart;
    private double stubCpuAtStart;

    @Test
    void reportsAgainstAServerFarAway() throws Exception {
        assertThat(JAR).as("the packaged jar (mvn -Pbench verify builds it first)").isRegularFile();
        Files.createDirectories(WORK);
        Path keys = WORK.resolve("timer-keys.txt");
        Files.write(keys, IntStream.range(0, TIMER_KEYS).mapToObj(i -> SoapStub.key('T', i)).toList());
        String loadBefore = loadAverage();
        Process stub = startStub();
        try {
            String url = new BufferedReader(new InputStreamReader(stub.getInputStream(), StandardCharsets.UTF_8))
                    .readLine().substring("url ".length());
            stubPid = stub.pid();
            rows.add("| scenario | calls in flight | keys | seconds | reports/s | limit/s | × limit | CPU ms/report | stub CPU ms/report | peak RSS MB | threads |");
            rows.add("|---|---|---|---|---|---|---|---|---|---|---|");
            if (SCENARIOS.contains("timer")) {
                timer(url, keys, "timer tick, shipped settings", Map.of(), "");
            }
            if (SCENARIOS.contains("timer-fast")) {
                timer(url, keys, "timer tick, " + FAST_TIMER + " threads and calls"
                        + (FAST_TIMER_JVM_ARGS.isEmpty() ? "" : ", " + FAST_TIMER_JVM_ARGS),
                        Map.of("REPORTER_TIMER_CONCURRENCY", Integer.toString(FAST_TIMER),
                                "SUPEROFFICE_MAX_CALLS_IN_FLIGHT", Integer.toString(FAST_TIMER)),
                        FAST_TIMER_JVM_ARGS);
            }
            // the whole backlog, though 32 consumers take minutes: the README's run command must drain it within its
            // memory (peak RSS), not only a part of it
            if (SCENARIOS.contains("queue-shipped")) {
                queue(url, "queue drain, shipped settings (32 consumers)", 32, QUEUE_MESSAGES, Map.of());
            }
            if (SCENARIOS.contains("queue")) {
                queue(url, "queue drain, " + QUEUE_CONSUMERS + " consumers and calls", QUEUE_CONSUMERS, QUEUE_MESSAGES,
                        Map.of("REPORTER_QUEUE_CONCURRENT_CONSUMERS", Integer.toString(QUEUE_CONSUMERS),
                                "SUPEROFFICE_MAX_CALLS_IN_FLIGHT", Integer.toString(QUEUE_CONSUMERS)));
            }
        } finally {
            stub.getOutputStream().close();
            stub.destroy();
            stub.waitFor(10, TimeUnit.SECONDS);
        }
        String table = "Server " + DELAY + " ms ± " + JITTER + " ms away (stub in its own JVM); reporter: java "
                + (JVM_ARGS.isEmpty() ? "" : JVM_ARGS + " ") + "-jar " + JAR.getFileName() + ", profile prod;"
                + " load average (1 min) " + loadBefore + " before, " + loadAverage() + " after\n\n"
                + String.join("\n", rows) + "\n";
        System.out.println(table);
        Files.writeString(Path.of("target", "benchmark-far.txt"), table);
    }

    /**
     * {@link #TICKS} ticks of all keys, timed by the reporter; the row is the median of the ticks after the first (the
     * first, right after the start, runs code the JIT has not compiled yet: it is listed, not counted).
     */
    private void timer(String url, Path keys, String name, Map<String, String> settings, String jvmArgs)
            throws Exception {
        Map<String, String> environment = environment(url, settings);
        environment.put("REPORTER_QUEUE_ENABLED", "false");
        environment.put("REPORTER_TIMER_SESSION_KEYS_FILE", keys.toAbsolutePath().toString());
        // a short pause between ticks: the ticks themselves are measured
        environment.put("REPORTER_TIMER_PERIOD", "2s");
        try (Reporter reporter = Reporter.start(name, environment,
                Files.createTempDirectory(WORK.toAbsolutePath(), "reporter"), jvmArgs)) {
            List<Double> seconds = new ArrayList<>();
            double sum = 0;
            startCpu(reporter);
            for (int tick = 1; tick <= TICKS; tick++) {
                int wanted = tick;
                reporter.awaitUntil(() -> reporter.metric("sessionreporter_timer_tick_duration_seconds_count") >= wanted,
                        600);
                double total = reporter.metric("sessionreporter_timer_tick_duration_seconds_sum");
                seconds.add(total - sum);
                sum = total;
                if (tick == 1 && TICKS > 1) {
                    // CPU per key of the ticks after the first: the first one includes the cold JIT
                    startCpu(reporter);
                }
            }
            List<Double> sorted = seconds.stream().skip(TICKS > 1 ? 1 : 0).sorted().toList();
            double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                    : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
            int inFlight = Math.min(setting(environment, "REPORTER_TIMER_CONCURRENCY", 100),
                    setting(environment, "SUPEROFFICE_MAX_CALLS_IN_FLIGHT", 100));
            row(name + " (median of " + sorted.size() + (TICKS > 1 ? " after the first" : "") + "; ticks "
                    + format(seconds) + " s)", inFlight, TIMER_KEYS, median, reporter,
                    TIMER_KEYS * Math.max(1, TICKS - 1));
        }
    }

    /**
     * A backlog of {@code messages} keys left by a reporter that stopped (queue consumers off, the keys sent over TCP
     * into its embedded broker), drained by a reporter started on the same journal: the first share of the backlog
     * ({@code bench.far.queue.warm-up-percent}) warms the JIT, the rest is timed, so that the row shows the steady drain rate and not the compiler or the
     * sender competing for the two cores.
     */
    private void queue(String url, String name, int consumers, int messages, Map<String, String> settings)
            throws Exception {
        Map<String, String> environment = environment(url, settings);
        environment.put("REPORTER_TIMER_ENABLED", "false");
        Path dir = Files.createTempDirectory(WORK.toAbsolutePath(), "reporter");
        Map<String, String> loader = new HashMap<>(environment);
        loader.put("REPORTER_QUEUE_ENABLED", "false");
        try (Reporter reporter = Reporter.start(name + ", preload", loader, dir, "")) {
            ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + reporter.brokerPort);
            try (Connection connection = factory.createConnection();
                    Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                    MessageProducer producer = session.createProducer(session.createQueue("superoffice.session-active"))) {
                for (int i = 0; i < messages; i++) {
                    producer.send(session.createTextMessage(SoapStub.key('Q', i)));
                    if (i % 500 == 499) {
                        session.commit();
                    }
                }
                session.commit();
            }
        }
        int warmUp = messages * QUEUE_WARM_UP_PERCENT / 100;
        try (Reporter reporter = Reporter.start(name, environment, dir, "")) {
            reporter.awaitUntil(() -> reporter.reported() >= warmUp, 1800);
            long start = System.nanoTime();
            startCpu(reporter);
            double before = reporter.reported();
            reporter.awaitUntil(() -> reporter.reported() >= messages, 1800);
            double seconds = (System.nanoTime() - start) / 1e9;
            int inFlight = Math.min(consumers, setting(environment, "SUPEROFFICE_MAX_CALLS_IN_FLIGHT", 100));
            row(name + " (the last " + (int) (messages - before) + " of a backlog of " + messages + ")",
                    inFlight, (int) (messages - before), seconds, reporter, (int) (messages - before));
        }
    }

    private void startCpu(Reporter reporter) {
        reporterCpuAtStart = cpuSeconds(reporter.process.pid());
        stubCpuAtStart = cpuSeconds(stubPid);
    }

    /**
     * @param cpuKeys the keys reported since {@link #startCpu}: the CPU columns are the reporter's and the stub's CPU
     *        time since then per key (on two cores, 1,000 reports/s leave at most 2 ms per report for both)
     */
    private void row(String name, int inFlight, int keys, double seconds, Reporter reporter, int cpuKeys)
            throws IOException {
        double rate = keys / seconds;
        double limit = inFlight * 1000.0 / DELAY;
        double reporterCpu = (cpuSeconds(reporter.process.pid()) - reporterCpuAtStart) * 1000 / cpuKeys;
        double stubCpu = (cpuSeconds(stubPid) - stubCpuAtStart) * 1000 / cpuKeys;
        rows.add(String.format(Locale.ROOT, "| %s | %d | %,d | %.1f | %,.0f | %,.0f | %.2f | %.2f | %.2f | %d | %d |",
                name, inFlight, keys, seconds, rate, limit, rate / limit, reporterCpu, stubCpu, reporter.peakRssMb(),
                reporter.peakThreads));
        System.out.println(rows.get(rows.size() - 1));
    }

    private static Process startStub() throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(javaExecutable(), "-Xmx128m", "-cp", classpath, FarSoapStub.class.getName(),
                Integer.toString(DELAY), Integer.toString(JITTER), "2")
                .redirectError(WORK.resolve("stub.log").toFile()).start();
    }

    private static Map<String, String> environment(String url, Map<String, String> settings) {
        Map<String, String> environment = new HashMap<>();
        environment.put("CAMEL_MAIN_PROFILE", "prod");
        environment.put("SUPEROFFICE_URL", url);
        environment.put("SUPEROFFICE_APPLICATION_TOKEN", TestSecrets.APPLICATION_TOKEN);
        environment.put("SUPEROFFICE_TICKET", TestSecrets.TICKET);
        environment.putAll(settings);
        return environment;
    }

    private static int setting(Map<String, String> environment, String name, int shipped) {
        return Integer.parseInt(environment.getOrDefault(name, Integer.toString(shipped)));
    }

    private static String format(List<Double> seconds) {
        return String.join(", ", seconds.stream().map(s -> String.format(Locale.ROOT, "%.1f", s)).toList());
    }

    /** Other work on the machine takes CPU from the JIT compiler and the reporter: shown with the results. */
    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    /** User + system CPU seconds of a process so far (Linux /proc/<pid>/stat, fields 14 and 15, in 1/100 s). */
    private static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[0] is the state (field 3): utime and stime are fields 14 and 15
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The packaged jar in a process of its own, its log in a file, watched through /proc and its metrics. */
    private static final class Reporter implements AutoCloseable {
        private final Process process;
        private final ManagementClient management;
        private final int brokerPort;
        private final Thread sampler;
        private volatile int peakThreads;

        private Reporter(Process process, int managementPort, int brokerPort) {
            this.process = process;
            this.management = new ManagementClient(managementPort);
            this.brokerPort = brokerPort;
            this.sampler = new Thread(this::sampleThreads, "far-bench-threads");
            this.sampler.setDaemon(true);
            this.sampler.start();
        }

        /**
         * Started in {@code dir} (its log, broker journal and cluster folder) with {@link #JVM_ARGS} and
         * {@code extraJvmArgs}; waits until it is ready.
         */
        static Reporter start(String name, Map<String, String> environment, Path dir, String extraJvmArgs)
                throws Exception {
            int managementPort = FreePort.find();
            int brokerPort = FreePort.find();
            List<String> command = new ArrayList<>(List.of(javaExecutable()));
            for (String options : List.of(JVM_ARGS, extraJvmArgs)) {
                if (!options.isEmpty()) {
                    command.addAll(List.of(options.split("\\s+")));
                }
            }
            command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("reporter.log").toFile()));
            builder.environment().keySet().removeIf(key -> key.startsWith("CAMEL_") || key.startsWith("SUPEROFFICE_")
                    || key.startsWith("BROKER_") || key.startsWith("REPORTER_"));
            builder.environment().putAll(environment);
            builder.environment().put("REPORTER_MANAGEMENT_PORT", Integer.toString(managementPort));
            builder.environment().put("BROKER_EMBEDDED_PORT", Integer.toString(brokerPort));
            builder.environment().put("BROKER_EMBEDDED_DATA_DIR", dir.resolve("broker").toString());
            builder.environment().put("REPORTER_CLUSTER_FILE_ROOT", dir.resolve("cluster").toString());
            System.out.println("starting " + name + ": " + command + ", log " + dir.resolve("reporter.log"));
            Reporter reporter = new Reporter(builder.start(), managementPort, brokerPort);
            reporter.awaitUntil(() -> {
                try {
                    return reporter.management.get("/observe/health/ready").statusCode() == 200;
                } catch (RuntimeException notYet) {
                    return false;
                }
            }, 120);
            return reporter;
        }

        double metric(String name) {
            return management.metric(name);
        }

        double reported() {
            return management.metric("sessionreporter_reports_total", "outcome=\"reported\"");
        }

        void awaitUntil(BooleanSupplier condition, int maxSeconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
            while (!condition.getAsBoolean()) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the reporter ended (exit code " + process.exitValue() + ")");
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not within " + maxSeconds + " s");
                }
                Thread.sleep(250);
            }
        }

        private void sampleThreads() {
            while (process.isAlive()) {
                peakThreads = Math.max(peakThreads, (int) status("Threads:"));
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** The process's peak resident set since it started (Linux VmHWM). */
        int peakRssMb() {
            return (int) (status("VmHWM:") / 1024);
        }

        private long status(String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                    if (line.startsWith(field)) {
                        return Long.parseLong(line.substring(field.length()).strip().split("\\s+")[0]);
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // the process ended
            }
            return 0;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            sampler.interrupt();
        }
    }
}
