// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import io.pgmqbus.api.BusException;
import io.pgmqbus.api.SubscriptionStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What both backends share: running one statement on the caller's connection and naming failures. */
abstract class SqlBackend implements PgmqBackend {
    /** Longest subscription name accepted. */
    static final int MAX_SUBSCRIPTION_LENGTH = 200;

    final AckMode ackMode;

    SqlBackend(AckMode ackMode) {
        this.ackMode = Objects.requireNonNull(ackMode, "ackMode");
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Runs a query and maps every row; {@code what} names the operation in the error. */
    static <T> List<T> query(Connection c, String what, String sql, Binder binder, RowMapper<T> mapper) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rows(rs, mapper);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /**
     * Runs a query and then {@code COMMIT}, sent together (pgjdbc sends the statements of one
     * string in one request, and runs none after one that fails), and maps every row of the query.
     */
    static <T> List<T> queryAndCommit(Connection c, String what, String sql, Binder binder, RowMapper<T> mapper) {
        try (PreparedStatement ps = c.prepareStatement(sql + "; COMMIT")) {
            binder.bind(ps);
            if (!ps.execute()) {
                throw new BusException(what + ": the statement returned no rows");
            }
            try (ResultSet rs = ps.getResultSet()) {
                return rows(rs, mapper);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private static <T> List<T> rows(ResultSet rs, RowMapper<T> mapper) throws SQLException {
        List<T> rows = new ArrayList<>();
        while (rs.next()) {
            rows.add(mapper.map(rs));
        }
        return rows;
    }

    /** Runs a query that returns exactly one row of one column. */
    static <T> T single(Connection c, String what, String sql, Binder binder, RowMapper<T> mapper) {
        List<T> rows = query(c, what, sql, binder, mapper);
        if (rows.size() != 1) {
            throw new BusException(what + ": expected one row, the database returned " + rows.size());
        }
        return rows.get(0);
    }

    static BusException failure(String what, SQLException e) {
        String state = e.getSQLState();
        String reason = "22P02".equals(state) || "22032".equals(state)
                ? "the payload or headers are not valid JSON (" + e.getMessage() + ")"
                : e.getMessage();
        return new BusException(what + " failed: " + reason, state, e);
    }

    @Override
    public void sessionNotifications(Connection c, boolean on) {
        single(c, "turning wake-ups " + (on ? "on" : "off"), "SELECT set_config('pgmq_bus.notify', ?, false)",
                ps -> ps.setString(1, on ? "on" : "off"), rs -> rs.getString(1));
    }

    static long onlyId(List<Long> ids, String channel, String subscription) {
        if (ids.isEmpty()) {
            throw new BusException("no durable subscription '" + subscription + "' on channel '" + channel
                    + "': it exists once an activation has joined it");
        }
        return ids.get(0);
    }

    static String requireValidSubscription(String name) {
        if (name != null && (name.isEmpty() || name.length() > MAX_SUBSCRIPTION_LENGTH)) {
            throw new BusException("subscription name must be 1 to " + MAX_SUBSCRIPTION_LENGTH + " characters");
        }
        return name;
    }

    /** The ids and read counts of {@code messages}, as the SQL arrays of extend and hand_back. */
    static void bindHeld(Connection c, PreparedStatement ps, int first, java.util.Collection<QueuedMessage> messages)
            throws SQLException {
        ps.setArray(first, c.createArrayOf("bigint", messages.stream().map(QueuedMessage::msgId).toArray()));
        ps.setArray(first + 1, c.createArrayOf("integer", messages.stream().map(QueuedMessage::readCount).toArray()));
    }

    /** A message-type filter as the SQL text array of join ({@code null} = every type). */
    static java.sql.Array types(Connection c, java.util.Set<String> types) throws SQLException {
        return types == null || types.isEmpty() ? null : c.createArrayOf("text", types.toArray());
    }

    /** The statistics function this backend's role may call (see pgmq_bus.subscription_stats). */
    abstract String statsFunction();

    private static final String STATS_COLUMNS = "SELECT channel, kind, subscription_name, queue_name, node, depth, visible,"
            + " in_flight, oldest_age_seconds, dead_letters, last_seen FROM ";

    @Override
    public List<SubscriptionStatus> subscriptions(Connection c) {
        return query(c, "reading the subscriptions' statistics", STATS_COLUMNS + statsFunction(), ps -> { },
                SqlBackend::status);
    }

    @Override
    public SubscriptionStatus stats(Connection c, Subscription s) {
        List<SubscriptionStatus> found = query(c, "reading the statistics of queue " + s.queueName(),
                STATS_COLUMNS + statsFunction() + " WHERE queue_name = ? AND depth IS NOT NULL",
                ps -> ps.setString(1, s.queueName()), SqlBackend::status);
        return found.isEmpty() ? null : found.get(0);
    }

    @Override
    public DeadLetters deadLetters() {
        return new DeadLetters(this instanceof IsolatedBackend);
    }

    private static SubscriptionStatus status(java.sql.ResultSet rs) throws SQLException {
        java.sql.Timestamp seen = rs.getTimestamp(11);
        return new SubscriptionStatus(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getObject(6, Long.class), rs.getObject(7, Long.class), rs.getObject(8, Long.class),
                rs.getObject(9, Double.class), rs.getLong(10), seen == null ? null : seen.toInstant());
    }

    @Override
    public boolean queueGone(BusException e) {
        return "42P01".equals(e.getSqlState());
    }

    static void requireNonNegative(String what, int value) {
        if (value < 0) {
            throw new BusException(what + " must not be negative, was " + value);
        }
    }
}
