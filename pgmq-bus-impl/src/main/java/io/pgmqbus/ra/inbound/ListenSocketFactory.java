// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * Sockets for the LISTEN connection (pgjdbc's {@code socketFactory}), so that a wake-up is handed
 * on as soon as it arrives. After each notification pgjdbc asks whether more data is pending by
 * reading with a 1 ms socket timeout, which delays every wake-up by a millisecond or more. These
 * sockets answer that question from the bytes already received instead: while the timeout is
 * that short and nothing is there, the read times out at once. Data that arrives a moment later
 * is read by the next blocking wait, so nothing is missed; other reads are untouched.
 */
public final class ListenSocketFactory extends SocketsFromCreateSocket {
    /** The timeout (ms) pgjdbc sets when it only peeks for pending data. */
    static final int PEEK_TIMEOUT = 1;

    @Override
    public Socket createSocket() {
        return new PeekingSocket();
    }

    /** A plain socket whose input answers a 1 ms peek from what has been received already. */
    static final class PeekingSocket extends Socket {
        private volatile int timeout;
        private InputStream input;

        @Override
        public synchronized void setSoTimeout(int millis) throws SocketException {
            super.setSoTimeout(millis);
            timeout = millis;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        peekNow();
                        return super.read();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        peekNow();
                        return super.read(b, off, len);
                    }

                    private void peekNow() throws IOException {
                        if (timeout == PEEK_TIMEOUT && in.available() == 0) {
                            throw new SocketTimeoutException("nothing pending");
                        }
                    }
                };
            }
            return input;
        }
    }
}
