// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.fake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on the loopback interface between the adapter and its database, to cause network
 * faults: {@link #cut()} closes every connection and refuses new ones (a partition, as the adapter
 * sees it), {@link #restore()} accepts again on the same port.
 */
public final class FaultyProxy implements AutoCloseable {
    private final int targetPort;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Client sockets whose connections no longer forward anything, in either direction. */
    private final java.util.Set<Socket> stalled = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Which client socket each pipe's source belongs to. */
    private final java.util.Map<Socket, Socket> clientOf = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile ServerSocket server;

    public FaultyProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.port = s.getLocalPort();
        accept(s);
    }

    /** A proxy in front of the test database; {@link #route} gives the URL through it. */
    public static FaultyProxy before(io.pgmqbus.testdb.TestDatabase db) throws IOException {
        return new FaultyProxy(Integer.parseInt(db.jdbcUrl().replaceAll("^.*//[^/:]+:(\\d+)/.*$", "$1")));
    }

    public int port() {
        return port;
    }

    /** The JDBC URL {@code url} with its port replaced by this proxy's. */
    public String route(String url) {
        return url.replaceFirst("//([^/:]+):\\d+/", "//127.0.0.1:" + port + "/");
    }

    /** Closes every proxied connection and stops accepting: connects are refused until {@link #restore()}. */
    public synchronized void cut() throws IOException {
        ServerSocket s = server;
        server = null;
        if (s != null) {
            s.close();
        }
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    /** The client sockets open now (to stall them later, when only they should be). */
    public List<Socket> open() {
        return List.copyOf(clientOf.values().stream().distinct().toList());
    }

    /**
     * Makes these connections silently dead: nothing is forwarded any more, in either direction,
     * and nothing is closed, as when a peer vanishes behind a firewall. New connections work.
     */
    public void stall(List<Socket> clients) {
        stalled.addAll(clients);
    }

    /** Accepts connections again, on the same port. */
    public synchronized void restore() throws IOException {
        if (server == null) {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            accept(s);
        }
    }

    private void accept(ServerSocket s) {
        server = s;
        Thread acceptor = new Thread(() -> {
            while (!s.isClosed()) {
                try {
                    Socket client = s.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    sockets.add(client);
                    sockets.add(upstream);
                    clientOf.put(client, client);
                    clientOf.put(upstream, client);
                    pipe(client, upstream);
                    pipe(upstream, client);
                } catch (IOException e) {
                    return; // closed by cut() or close()
                }
            }
        }, "faulty-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (stalled.contains(clientOf.get(from))) {
                        continue; // dropped on the floor
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed: close the other
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                clientOf.remove(from);
            }
        }, "faulty-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
