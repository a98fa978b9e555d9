package dev.sessionreporter.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback between a client and a server (the reporter and an external broker), which a test breaks on
 * demand: {@link #cutAll()} resets every live connection in both directions at once, as a network cut or a killed
 * proxy does, while both ends stay up; {@link #refuseNew()} and {@link #acceptNew()} make new connections fail
 * (connection refused) and succeed again. Bytes are passed on unchanged.
 */
public final class FaultInjectingTcpProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    /** Both sockets of every proxied connection, until it ends or is cut. */
    private final Set<Socket> live = ConcurrentHashMap.newKeySet();
    private ServerSocket listener;
    private int cut;

    /** Listens on a free loopback port and passes each connection on to {@code targetPort} on loopback. */
    public FaultInjectingTcpProxy(int targetPort) {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.port = listen(0).getLocalPort();
    }

    public int port() {
        return port;
    }

    /** The proxy as an Artemis broker URL. */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Resets every live connection (both sides see a connection reset); returns how many client connections it cut. */
    public synchronized int cutAll() {
        int clients = 0;
        for (Socket socket : live) {
            if (socket.getLocalPort() == port) {
                clients++;
            }
            reset(socket);
        }
        cut += clients;
        return clients;
    }

    /** Client connections {@link #cutAll()} has cut so far. */
    public synchronized int cutConnections() {
        return cut;
    }

    /** Stops listening: a new connection is refused until {@link #acceptNew()}. Live connections are left alone. */
    public synchronized void refuseNew() {
        if (listener != null) {
            closeQuietly(listener);
            listener = null;
        }
    }

    /** Listens again on the same port. */
    public synchronized void acceptNew() {
        if (listener == null) {
            listen(port);
        }
    }

    @Override
    public synchronized void close() {
        refuseNew();
        cutAll();
    }

    private synchronized ServerSocket listen(int onPort) {
        try {
            ServerSocket socket = new ServerSocket();
            // the port was ours a moment ago: its cut connections must not keep it from being bound again
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
            listener = socket;
            daemon("tcp-proxy-accept-" + socket.getLocalPort(), () -> accept(socket));
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException closed) {
                return;
            }
            Socket server = new Socket();
            try {
                server.connect(target, 5_000);
            } catch (IOException unreachable) {
                reset(client);
                continue;
            }
            live.add(client);
            live.add(server);
            daemon("tcp-proxy-up-" + client.getPort(), () -> pump(client, server));
            daemon("tcp-proxy-down-" + client.getPort(), () -> pump(server, client));
        }
    }

    /** Copies one direction until either side ends, then ends the whole connection. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) != -1) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException endedOrCut) {
            // the connection is over either way
        } finally {
            live.remove(from);
            live.remove(to);
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void reset(Socket socket) {
        live.remove(socket);
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException alreadyClosed) {
            // closing anyway
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }
}
