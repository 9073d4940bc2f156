// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

/**
 * The benchmark's message: JSON naming the measurement it belongs to and its sequence number,
 * padded to about 200 bytes (a typical small business event). The same text goes over the bus and
 * over JMS, and the raw PGMQ baseline sends it too.
 */
public final class Payload {
    private static final String PAD = "x".repeat(140);

    private Payload() {
    }

    public static String of(String run, long seq) {
        return "{\"run\":\"" + run + "\",\"seq\":" + seq + ",\"pad\":\"" + PAD + "\"}";
    }

    /**
     * The run a payload belongs to. The bus hands over the text PostgreSQL stored as jsonb, which
     * reorders keys and adds blanks ({@code {"pad": "...", "run": "...", "seq": 1}}), so values
     * are found by key, blanks skipped.
     */
    public static String run(String payload) {
        int start = payload.indexOf('"', valueStart(payload, "run")) + 1;
        return payload.substring(start, payload.indexOf('"', start));
    }

    public static long seq(String payload) {
        int start = valueStart(payload, "seq");
        int end = start;
        while (end < payload.length() && Character.isDigit(payload.charAt(end))) {
            end++;
        }
        return Long.parseLong(payload.substring(start, end));
    }

    /** Where the value of {@code key} starts: after the key, its colon and any blanks. */
    private static int valueStart(String payload, String key) {
        int at = payload.indexOf("\"" + key + "\"");
        if (at < 0) {
            throw new IllegalArgumentException("no \"" + key + "\" in " + payload);
        }
        at = payload.indexOf(':', at + key.length() + 2) + 1;
        while (at < payload.length() && payload.charAt(at) == ' ') {
            at++;
        }
        return at;
    }
}
