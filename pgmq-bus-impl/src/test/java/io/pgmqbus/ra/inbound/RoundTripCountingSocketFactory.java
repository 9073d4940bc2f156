// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * pgjdbc {@code socketFactory} for tests that count round trips: a round trip is counted each
 * time the client starts reading after it wrote (a request sent, its answer awaited).
 */
public final class RoundTripCountingSocketFactory extends SocketsFromCreateSocket {
    /** Round trips of every socket this factory made, since the JVM started: tests take differences. */
    static final AtomicInteger ROUND_TRIPS = new AtomicInteger();
    /** Round trips whose answer was awaited by the current thread (a connection's other users do not count). */
    private static final ThreadLocal<int[]> OF_THIS_THREAD = ThreadLocal.withInitial(() -> new int[1]);

    /** How many round trips the current thread has waited for, on every socket of this factory. */
    public static int ofThisThread() {
        return OF_THIS_THREAD.get()[0];
    }

    @Override
    public Socket createSocket() {
        return new CountingSocket();
    }

    private static final class CountingSocket extends Socket {
        private volatile boolean wrote;
        private InputStream input;
        private OutputStream output;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        turn();
                        return super.read();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        turn();
                        return super.read(b, off, len);
                    }
                };
            }
            return input;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (output == null) {
                output = new FilterOutputStream(super.getOutputStream()) {
                    @Override
                    public void write(int b) throws IOException {
                        wrote = true;
                        out.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        wrote = true;
                        out.write(b, off, len);
                    }
                };
            }
            return output;
        }

        private void turn() {
            if (wrote) {
                wrote = false;
                ROUND_TRIPS.incrementAndGet();
                OF_THIS_THREAD.get()[0]++;
            }
        }
    }
}
