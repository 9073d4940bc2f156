// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import io.pgmqbus.api.BusException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Channel validation and the direct backend's queue naming, compatible with the Python bus:
 * a queue is {@code <prefix>_<12 hex>} where the prefix is the channel with every character outside
 * {@code [A-Za-z0-9_]} replaced by {@code _}, {@code q_} put before a leading digit, cut to 30
 * characters and lower-cased (PGMQ lower-cases queue names itself).
 */
public final class QueueNames {
    /** Longest channel name accepted (it is stored and compared, never used as an identifier). */
    public static final int MAX_CHANNEL_LENGTH = 1000;
    static final int MAX_PREFIX_LENGTH = 30;
    private static final Pattern NOT_WORD = Pattern.compile("[^A-Za-z0-9_]");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private QueueNames() {
    }

    /** Rejects what can never be a channel: null, empty, over-long, or containing a NUL character. */
    public static String requireValidChannel(String channel) {
        if (channel == null || channel.isEmpty()) {
            throw new BusException("channel name must not be empty");
        }
        if (channel.length() > MAX_CHANNEL_LENGTH) {
            throw new BusException("channel name is " + channel.length() + " characters long; at most "
                    + MAX_CHANNEL_LENGTH + " are allowed");
        }
        if (channel.indexOf('\0') >= 0) {
            throw new BusException("channel name must not contain a NUL character");
        }
        return channel;
    }

    /** The queue-name prefix of a channel: only {@code [a-z0-9_]}, 1 to 30 characters. */
    public static String prefix(String channel) {
        String sanitized = NOT_WORD.matcher(requireValidChannel(channel)).replaceAll("_");
        if (Character.isDigit(sanitized.charAt(0))) {
            sanitized = "q_" + sanitized;
        }
        if (sanitized.length() > MAX_PREFIX_LENGTH) {
            sanitized = sanitized.substring(0, MAX_PREFIX_LENGTH);
        }
        return sanitized.toLowerCase(Locale.ROOT);
    }

    /** A fresh queue name for an ephemeral subscription: the prefix and 12 random hex digits. */
    public static String ephemeralQueue(String channel) {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        return prefix(channel) + "_" + HEX.formatHex(random);
    }

    /**
     * The queue of a durable subscription: the prefix and 12 hex digits of a hash of channel and name,
     * so every node that joins the same durable subscription computes the same queue.
     */
    public static String durableQueue(String channel, String durableName) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(channel.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(durableName.getBytes(StandardCharsets.UTF_8));
            return prefix(channel) + "_" + HEX.formatHex(sha.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** The dead-letter queue of a channel in the direct backend; never matched by a publish. */
    public static String deadLetterQueue(String channel) {
        return prefix(channel) + "_dlq";
    }
}
