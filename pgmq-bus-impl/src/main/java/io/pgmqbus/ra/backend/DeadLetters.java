// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import io.pgmqbus.api.DeadLetter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/**
 * Dead letters, for operators: list, replay onto the queue they came from, purge. The direct role
 * reaches every dead letter ({@code pgmq_bus.*} of {@code sql/004_operations.sql}); an isolated
 * tenant only those of its own subscriptions (the {@code public.bus_*} wrappers), and another
 * role's answer as if they did not exist. Failures are {@link io.pgmqbus.api.BusException}s.
 */
public final class DeadLetters {
    private static final String COLUMNS = "SELECT dead_letter_queue, msg_id, queue_name, channel, subscription_name,"
            + " error, read_ct, enqueued_at, dead_lettered_at, message::text, headers::text FROM ";

    private final boolean isolated;

    /** @param isolated true: through the isolated tenant wrappers; false: the direct role's functions */
    public DeadLetters(boolean isolated) {
        this.isolated = isolated;
    }

    /** The dead letters waiting, of {@code channel} and durable {@code subscription} when given (null: any). */
    public List<DeadLetter> list(Connection c, String channel, String subscription) {
        return SqlBackend.query(c, "listing dead letters",
                COLUMNS + (isolated ? "public.bus_dead_letters(?::text, ?::text)"
                        : "pgmq_bus.dead_letters(NULL::name, ?::text, ?::text)"),
                ps -> {
                    ps.setString(1, channel);
                    ps.setString(2, subscription);
                },
                DeadLetters::deadLetter);
    }

    /**
     * Moves one dead letter back onto its subscription's queue as a new message.
     *
     * @return false when there is no such dead letter (for a tenant: of its own) or its queue is gone
     */
    public boolean replay(Connection c, String deadLetterQueue, long msgId) {
        return one(c, "replaying dead letter " + msgId + " of " + deadLetterQueue,
                isolated ? "SELECT public.bus_replay_dead_letter(?::text, ?::bigint)"
                        : "SELECT pgmq_bus.replay_dead_letter(?::text, ?::bigint, NULL::name)",
                deadLetterQueue, msgId);
    }

    /**
     * Replays every dead letter of {@code channel}, durable {@code subscription} and with an error
     * matching the LIKE pattern {@code errorLike}, each when given (all nulls: every dead letter).
     *
     * @return how many were replayed (those whose queue is gone stay)
     */
    public long replayAll(Connection c, String channel, String subscription, String errorLike) {
        return SqlBackend.single(c, "replaying dead letters",
                isolated ? "SELECT public.bus_replay_dead_letters(?::text, ?::text, ?::text)"
                        : "SELECT pgmq_bus.replay_dead_letters(NULL::name, ?::text, ?::text, ?::text)",
                ps -> {
                    ps.setString(1, channel);
                    ps.setString(2, subscription);
                    ps.setString(3, errorLike);
                },
                rs -> rs.getLong(1));
    }

    /** Deletes one dead letter; false when there is no such dead letter (for a tenant: of its own). */
    public boolean purge(Connection c, String deadLetterQueue, long msgId) {
        return one(c, "purging dead letter " + msgId + " of " + deadLetterQueue,
                isolated ? "SELECT public.bus_purge_dead_letter(?::text, ?::bigint)"
                        : "SELECT pgmq_bus.purge_dead_letter(?::text, ?::bigint, NULL::name)",
                deadLetterQueue, msgId);
    }

    /**
     * Deletes the dead letters dead-lettered more than {@code age} ago (zero: all), of {@code channel}
     * and durable {@code subscription} when given. A negative age is refused.
     *
     * @return how many were deleted
     */
    public long purgeOlderThan(Connection c, Duration age, String channel, String subscription) {
        Objects.requireNonNull(age, "age");
        double seconds = age.getSeconds() + age.getNano() / 1e9;
        return SqlBackend.single(c, "purging dead letters older than " + age,
                isolated ? "SELECT public.bus_purge_dead_letters(make_interval(secs => ?::double precision), ?::text, ?::text)"
                        : "SELECT pgmq_bus.purge_dead_letters(make_interval(secs => ?::double precision), NULL::name, ?::text, ?::text)",
                ps -> {
                    ps.setDouble(1, seconds);
                    ps.setString(2, channel);
                    ps.setString(3, subscription);
                },
                rs -> rs.getLong(1));
    }

    private static boolean one(Connection c, String what, String sql, String deadLetterQueue, long msgId) {
        return SqlBackend.single(c, what, sql,
                ps -> {
                    ps.setString(1, deadLetterQueue);
                    ps.setLong(2, msgId);
                },
                rs -> rs.getInt(1)) > 0;
    }

    private static DeadLetter deadLetter(ResultSet rs) throws SQLException {
        return new DeadLetter(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getObject(7, Integer.class), instant(rs, 8), instant(rs, 9),
                rs.getString(10), rs.getString(11));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
