// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The server's log file (system property {@code server.log}, set by the build), read from a mark on. */
final class ServerLog {
    private ServerLog() {
    }

    /** What the server's log gained since {@code mark} (all of it if the log was rotated meanwhile). */
    static String since(Path log, long mark) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long from = file.length() < mark ? 0 : mark;
            byte[] bytes = new byte[(int) (file.length() - from)];
            file.seek(from);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
