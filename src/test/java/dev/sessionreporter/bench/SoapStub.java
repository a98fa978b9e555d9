package dev.sessionreporter.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fast loopback SOAP stub for the benchmark: a Netty HTTP/1.1 server (Netty comes with Artemis) on a few event-loop
 * threads that reads the request, finds the benchmark key in it ({@code bench<phase><9 digits>}) and answers one fixed
 * byte[]: a correct WCF {@code ReportSessionActiveResponse} ({@code Succeeded=true}, {@code Response=1001}). It records
 * the first arrival of every key of the tracked phase (counted on the stub side) and the CPU time of its own threads.
 * Kept-alive connections stay open however long they are idle (clients pause between phases). With a delay it answers
 * as a server far away would: each answer is scheduled on the event loop after delay ± jitter, so two threads hold
 * thousands of calls in flight ({@link FarSoapStub} runs it in a JVM of its own).
 *
 * <p>Netty rather than the JDK's HttpServer: on two cores the stub's CPU is taken from the client under test, and the
 * JDK server (a dispatcher thread handing every request to a pool) costs several times more CPU per request.
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
    private static final ByteBuf ANSWER_BUFFER = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(ANSWER));
    private static final ByteBuf MARK = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer("bench".getBytes(StandardCharsets.US_ASCII)));

    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Channel channel;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile char trackedPhase;
    private volatile AtomicLongArray arrivals = new AtomicLongArray(0);
    private final AtomicInteger trackedCount = new AtomicInteger();
    private final long delayMicros;
    private final long jitterMicros;

    /** @param threadCount event-loop threads serving the connections (plus one that accepts them) */
    SoapStub(int threadCount) {
        this(threadCount, 0, 0);
    }

    /** Answers after {@code delayMillis} ± {@code jitterMillis} (uniformly spread). */
    SoapStub(int threadCount, long delayMillis, long jitterMillis) {
        delayMicros = delayMillis * 1000;
        jitterMicros = Math.min(jitterMillis, delayMillis) * 1000;
        acceptor = new NioEventLoopGroup(1, threads("bench-stub-accept"));
        workers = new NioEventLoopGroup(threadCount, threads("bench-stub"));
        try {
            channel = new ServerBootstrap()
                    .group(acceptor, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Answer());
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("stub start interrupted", e);
        }
    }

    private ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            threads.add(t);
            return t;
        };
    }

    /** Answers every request with the canned response; keeps the connection unless the client asked to close it. */
    private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            record(request.content());
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    ANSWER_BUFFER.duplicate());
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "text/xml; charset=utf-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, ANSWER.length);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (delayMicros == 0) {
                answer(ctx, response, keepAlive);
                return;
            }
            long delay = delayMicros + (jitterMicros == 0 ? 0
                    : ThreadLocalRandom.current().nextLong(-jitterMicros, jitterMicros + 1));
            ctx.executor().schedule(() -> answer(ctx, response, keepAlive), delay, TimeUnit.MICROSECONDS);
        }

        private void answer(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a client that went away mid-request; nothing to answer
        }
    }

    private void record(ByteBuf body) {
        int at = ByteBufUtil.indexOf(MARK, body);
        if (at < 0 || at + MARK.readableBytes() + 10 > body.writerIndex()) {
            return;
        }
        int after = at + MARK.readableBytes();
        char phase = (char) body.getByte(after);
        if (phase != trackedPhase) {
            return;
        }
        int index = 0;
        for (int i = after + 1; i < after + 10; i++) {
            index = index * 10 + (body.getByte(i) - '0');
        }
        AtomicLongArray a = arrivals;
        if (index < a.length() && a.compareAndSet(index, 0, System.nanoTime())) {
            trackedCount.incrementAndGet();
        }
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

    /** CPU nanoseconds used so far by the stub's threads (acceptor and event loops). */
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
        return "http://127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort() + PATH;
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        acceptor.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
