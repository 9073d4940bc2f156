// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import io.pgmqbus.api.BusException;
import java.sql.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The direct backend: the application role calls {@code pgmq.*} itself and peers trust each other.
 * Queue names follow the Python bus ({@link QueueNames}), so Python and Java peers on one channel
 * reach each other. Publishing discovers the channel's queues from {@code pgmq.list_queues()} inside
 * the same single statement that sends to them ({@code pgmq_bus.publish_prefix}), so a queue created
 * a moment ago is reached, a dropped one is skipped, and nothing is cached that could go stale.
 * Reads and acknowledgements are plain statements on the queue's tables ({@link QueueTables}).
 */
public final class DirectBackend extends SqlBackend {
    private static final String UNDEFINED_COLUMN = "42703";
    /** Plain statements on the queues' tables where their layout is PGMQ's (shared by every connection). */
    private final QueueTables tables = new QueueTables();
    private static final String MESSAGE_COLUMNS = "msg_id, read_ct, enqueued_at, vt, message::text AS message, headers::text AS headers";

    public DirectBackend(AckMode ackMode) {
        super(ackMode);
    }

    @Override
    public Subscription join(Connection c, String channel, String durableName, String node, int leaseSeconds,
                             Set<String> messageTypes) {
        QueueNames.requireValidChannel(channel);
        requireValidSubscription(durableName);
        String queue = durableName == null
                ? QueueNames.ephemeralQueue(channel)
                : QueueNames.durableQueue(channel, durableName);
        String joined = single(c, "joining channel '" + channel + "'",
                "SELECT pgmq_bus.join(?::text, ?::text, ?::text, ?::text, ?::text, ?::integer, ?::text[])",
                ps -> {
                    ps.setString(1, queue);
                    ps.setString(2, channel);
                    ps.setString(3, durableName == null ? "ephemeral" : "durable");
                    ps.setString(4, durableName);
                    ps.setString(5, node);
                    ps.setInt(6, leaseSeconds);
                    ps.setArray(7, types(c, messageTypes));
                },
                rs -> rs.getString(1));
        return new Subscription(joined, channel, durableName);
    }

    @Override
    public List<Long> publish(Connection c, String channel, String message, String headers, int delaySeconds) {
        String prefix = QueueNames.prefix(channel);
        requireNonNegative("delay", delaySeconds);
        return query(c, "publishing to channel '" + channel + "'",
                "SELECT msg_id FROM pgmq_bus.publish_prefix(?, ?::jsonb, ?::jsonb, ?)",
                ps -> {
                    ps.setString(1, prefix);
                    ps.setString(2, message);
                    ps.setString(3, headers);
                    ps.setInt(4, delaySeconds);
                },
                rs -> rs.getLong(1));
    }

    @Override
    public List<Long> publishBatch(Connection c, String channel, List<String> messages, String headers) {
        String prefix = QueueNames.prefix(channel);
        return query(c, "publishing " + messages.size() + " messages to channel '" + channel + "'",
                "SELECT p.msg_id FROM unnest(?::text[]) WITH ORDINALITY AS m(body, i)"
                        + " CROSS JOIN LATERAL pgmq_bus.publish_prefix(?, m.body::jsonb, ?::jsonb, 0) AS p ORDER BY m.i, p.msg_id",
                ps -> {
                    ps.setArray(1, c.createArrayOf("text", messages.toArray()));
                    ps.setString(2, prefix);
                    ps.setString(3, headers);
                },
                rs -> rs.getLong(1));
    }

    @Override
    public void wake(Connection c, String channel) {
        String prefix = QueueNames.prefix(channel);
        single(c, "waking the readers of channel '" + channel + "'",
                "SELECT count(pg_notify('" + Notifications.CHANNEL + "', queue_name)) FROM pgmq.list_queues()"
                        + " WHERE queue_name ~ ('^' || ? || '_[0-9a-f]{12}$')",
                ps -> ps.setString(1, prefix),
                rs -> rs.getLong(1));
    }

    @Override
    public long sendToSubscription(Connection c, String channel, String subscription, String message, String headers) {
        QueueNames.requireValidChannel(channel);
        List<Long> ids = query(c, "sending to subscription '" + subscription + "' of channel '" + channel + "'",
                "SELECT pgmq.send(s.queue_name, ?::jsonb, ?::jsonb) FROM pgmq_bus.subscription s"
                        + " WHERE s.channel = ? AND s.subscription_name = ?",
                ps -> {
                    ps.setString(1, message);
                    ps.setString(2, headers);
                    ps.setString(3, channel);
                    ps.setString(4, subscription);
                },
                rs -> rs.getLong(1));
        return onlyId(ids, channel, subscription);
    }

    @Override
    public List<QueuedMessage> read(Connection c, Subscription s, int visibilitySeconds, int quantity) {
        Optional<QueueTables.Layout> layout = tables.layout(c, s.queueName());
        if (layout.isPresent()) {
            try {
                return query(c, "reading queue " + s.queueName(), layout.get().read(),
                        ps -> {
                            ps.setInt(1, quantity);
                            ps.setInt(2, visibilitySeconds);
                        },
                        QueuedMessage::from);
            } catch (BusException e) {
                if (!UNDEFINED_COLUMN.equals(e.getSqlState())) {
                    throw e;
                }
                tables.forget(s.queueName()); // the table changed: PGMQ's function knows it
            }
        }
        return query(c, "reading queue " + s.queueName(),
                "SELECT " + MESSAGE_COLUMNS + " FROM pgmq.read(?, ?, ?)",
                ps -> {
                    ps.setString(1, s.queueName());
                    ps.setInt(2, visibilitySeconds);
                    ps.setInt(3, quantity);
                },
                QueuedMessage::from);
    }

    @Override
    public boolean acknowledge(Connection c, Subscription s, long msgId) {
        return acknowledge(c, s, List.of(msgId), false) > 0;
    }

    @Override
    public int acknowledgeAll(Connection c, Subscription s, Collection<Long> msgIds) {
        return acknowledge(c, s, msgIds, false);
    }

    @Override
    public int acknowledgeAllAndCommit(Connection c, Subscription s, Collection<Long> msgIds) {
        return acknowledge(c, s, msgIds, true);
    }

    /**
     * A statement on the queue's tables where their layout is PGMQ's (one id without an array, the
     * usual case), else PGMQ's function; a table whose columns changed is forgotten, and PGMQ's
     * function acknowledges instead (in the next transaction, when this one is to commit with it).
     */
    private int acknowledge(Connection c, Subscription s, Collection<Long> msgIds, boolean commit) {
        String what = msgIds.size() == 1
                ? "acknowledging message " + msgIds.iterator().next() + " of queue " + s.queueName()
                : "acknowledging " + msgIds.size() + " messages of queue " + s.queueName();
        Optional<QueueTables.Layout> layout = tables.layout(c, s.queueName())
                .filter(l -> ackMode == AckMode.DELETE || l.archive());
        if (layout.isPresent()) {
            boolean one = msgIds.size() == 1;
            String sql = ackMode == AckMode.ARCHIVE
                    ? (one ? layout.get().archiveOne() : layout.get().archiveAll())
                    : (one ? layout.get().delete() : layout.get().deleteAll());
            Binder ids = one
                    ? ps -> ps.setLong(1, msgIds.iterator().next())
                    : ps -> ps.setArray(1, c.createArrayOf("bigint", msgIds.toArray()));
            try {
                return rows(c, what, sql, ids, commit);
            } catch (BusException e) {
                if (!UNDEFINED_COLUMN.equals(e.getSqlState())) {
                    throw e;
                }
                tables.forget(s.queueName()); // the table changed: PGMQ's function knows it
                if (commit) {
                    throw e; // this transaction is aborted; the message comes back
                }
            }
        }
        return rows(c, what, "SELECT id FROM " + (ackMode == AckMode.ARCHIVE ? "pgmq.archive" : "pgmq.delete")
                        + "(?::text, ?::bigint[]) AS id",
                ps -> {
                    ps.setString(1, s.queueName());
                    ps.setArray(2, c.createArrayOf("bigint", msgIds.toArray()));
                }, commit);
    }

    private static int rows(Connection c, String what, String sql, Binder binder, boolean commit) {
        return (commit ? queryAndCommit(c, what, sql, binder, rs -> rs.getObject(1))
                : query(c, what, sql, binder, rs -> rs.getObject(1))).size();
    }

    @Override
    public boolean release(Connection c, Subscription s, long msgId, int delaySeconds) {
        requireNonNegative("delay", delaySeconds);
        return !query(c, "releasing message " + msgId + " of queue " + s.queueName(),
                "SELECT msg_id FROM pgmq.set_vt(?, ?::bigint, ?)",
                ps -> {
                    ps.setString(1, s.queueName());
                    ps.setLong(2, msgId);
                    ps.setInt(3, delaySeconds);
                },
                rs -> rs.getLong(1)).isEmpty();
    }

    @Override
    public Long deadLetter(Connection c, Subscription s, long msgId, String error) {
        return single(c, "dead-lettering message " + msgId + " of queue " + s.queueName(),
                "SELECT pgmq_bus.dead_letter(?, ?, ?, ?)",
                ps -> {
                    ps.setString(1, s.queueName());
                    ps.setLong(2, msgId);
                    ps.setString(3, QueueNames.deadLetterQueue(s.channel()));
                    ps.setString(4, error);
                },
                rs -> (Long) rs.getObject(1, Long.class));
    }

    @Override
    public Set<Long> extend(Connection c, Subscription s, Collection<QueuedMessage> held, int visibilitySeconds) {
        requireNonNegative("visibility timeout", visibilitySeconds);
        return Set.copyOf(query(c, "extending " + held.size() + " messages of queue " + s.queueName(),
                "SELECT id FROM pgmq_bus.extend(?::text, ?::bigint[], ?::integer[], ?::integer) AS id",
                ps -> {
                    ps.setString(1, s.queueName());
                    bindHeld(c, ps, 2, held);
                    ps.setInt(4, visibilitySeconds);
                },
                rs -> rs.getLong(1)));
    }

    @Override
    public int handBack(Connection c, Subscription s, Collection<QueuedMessage> messages) {
        return single(c, "handing back " + messages.size() + " messages of queue " + s.queueName(),
                "SELECT pgmq_bus.hand_back(?::text, ?::bigint[], ?::integer[])",
                ps -> {
                    ps.setString(1, s.queueName());
                    bindHeld(c, ps, 2, messages);
                },
                rs -> rs.getInt(1));
    }

    @Override
    public Set<String> heartbeat(Connection c, Collection<Subscription> subscriptions) {
        String[] queues = subscriptions.stream().map(Subscription::queueName).toArray(String[]::new);
        return Set.copyOf(query(c, "heartbeat of " + queues.length + " subscriptions",
                "SELECT q FROM pgmq_bus.heartbeat_missing(?::text[]) AS q",
                ps -> ps.setArray(1, c.createArrayOf("text", queues)),
                rs -> rs.getString(1)));
    }

    @Override
    String statsFunction() {
        return "pgmq_bus.subscription_stats()";
    }

    @Override
    public long pruneArchives(Connection c, Duration olderThan) {
        return single(c, "pruning the archives", "SELECT pgmq_bus.prune_archives(make_interval(secs => ?))",
                ps -> ps.setDouble(1, olderThan.toMillis() / 1000.0), rs -> rs.getLong(1));
    }

    @Override
    public List<String> reapExpired(Connection c, Duration healthyFor) {
        return query(c, "reaping expired subscriptions",
                "SELECT q FROM pgmq_bus.reap_expired(make_interval(secs => ?)) AS q",
                ps -> ps.setDouble(1, Math.max(0, healthyFor.toMillis()) / 1000.0),
                rs -> rs.getString(1));
    }

    @Override
    public List<String> reap(Connection c, Duration maxAge) {
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new BusException("reap age must be positive, was " + maxAge);
        }
        return query(c, "reaping stale subscriptions",
                "SELECT q FROM pgmq_bus.reap(make_interval(secs => ?)) AS q",
                ps -> ps.setDouble(1, maxAge.toMillis() / 1000.0),
                rs -> rs.getString(1));
    }

    @Override
    public void leave(Connection c, Subscription s) {
        single(c, "leaving channel '" + s.channel() + "' (queue " + s.queueName() + ")",
                "SELECT pgmq_bus.leave(?)",
                ps -> ps.setString(1, s.queueName()),
                rs -> rs.getObject(1));
    }
}
