// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import io.pgmqbus.api.BusException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The isolated backend: the application role may only execute the {@code SECURITY DEFINER}
 * {@code public.bus_*} wrappers (role {@code pgmq_bus_client}); queue names are allocated by the
 * database and opaque, and every call proves its (queue, channel) pair. Knowing a channel's name is
 * the capability to use it.
 */
public final class IsolatedBackend extends SqlBackend {

    public IsolatedBackend(AckMode ackMode) {
        super(ackMode);
    }

    @Override
    public Subscription join(Connection c, String channel, String durableName, String node, int leaseSeconds,
                             Set<String> messageTypes) {
        QueueNames.requireValidChannel(channel);
        requireValidSubscription(durableName);
        String queue = single(c, "joining channel '" + channel + "'" + (durableName == null ? "" : " as '" + durableName + "'"),
                "SELECT public.bus_join(?::text, ?::text, ?::integer, ?::text[])",
                ps -> {
                    ps.setString(1, channel);
                    ps.setString(2, durableName);
                    ps.setInt(3, leaseSeconds);
                    ps.setArray(4, types(c, messageTypes));
                },
                rs -> rs.getString(1));
        String token = single(c, "asking for the wake-up token of queue " + queue,
                "SELECT public.bus_wake_token(?::text, ?::text)",
                ps -> {
                    ps.setString(1, queue);
                    ps.setString(2, channel);
                },
                rs -> rs.getString(1));
        return new Subscription(queue, channel, durableName, token);
    }

    @Override
    public List<Long> publish(Connection c, String channel, String message, String headers, int delaySeconds) {
        QueueNames.requireValidChannel(channel);
        requireNonNegative("delay", delaySeconds);
        return single(c, "publishing to channel '" + channel + "'",
                "SELECT public.bus_publish(?::text, NULL::text, ?::jsonb, ?::jsonb, ?::integer)",
                ps -> {
                    ps.setString(1, channel);
                    ps.setString(2, message);
                    ps.setString(3, headers);
                    ps.setInt(4, delaySeconds);
                },
                rs -> longs(rs.getArray(1)));
    }

    @Override
    public List<Long> publishBatch(Connection c, String channel, List<String> messages, String headers) {
        QueueNames.requireValidChannel(channel);
        return query(c, "publishing " + messages.size() + " messages to channel '" + channel + "'",
                "SELECT id FROM unnest(?::text[]) WITH ORDINALITY AS m(body, i)"
                        + " CROSS JOIN LATERAL unnest(public.bus_publish(?::text, NULL::text, m.body::jsonb, ?::jsonb, 0)) AS id"
                        + " ORDER BY m.i, id",
                ps -> {
                    ps.setArray(1, c.createArrayOf("text", messages.toArray()));
                    ps.setString(2, channel);
                    ps.setString(3, headers);
                },
                rs -> rs.getLong(1));
    }

    @Override
    public void wake(Connection c, String channel) {
        single(c, "waking the readers of channel '" + channel + "'", "SELECT public.bus_wake(?::text)",
                ps -> ps.setString(1, channel), rs -> rs.getInt(1));
    }

    @Override
    public long sendToSubscription(Connection c, String channel, String subscription, String message, String headers) {
        QueueNames.requireValidChannel(channel);
        List<Long> ids = query(c, "sending to subscription '" + subscription + "' of channel '" + channel + "'",
                "SELECT id FROM public.bus_send(?::text, ?::text, ?::jsonb, ?::jsonb) AS id WHERE id IS NOT NULL",
                ps -> {
                    ps.setString(1, channel);
                    ps.setString(2, subscription);
                    ps.setString(3, message);
                    ps.setString(4, headers);
                },
                rs -> rs.getLong(1));
        return onlyId(ids, channel, subscription);
    }

    @Override
    public List<QueuedMessage> read(Connection c, Subscription s, int visibilitySeconds, int quantity) {
        return query(c, "reading queue " + s.queueName(),
                "SELECT msg_id, read_ct, enqueued_at, vt, message::text AS message, headers::text AS headers"
                        + " FROM public.bus_read(?::text, ?::text, ?::integer, ?::integer)",
                ps -> {
                    ps.setString(1, s.queueName());
                    ps.setString(2, s.channel());
                    ps.setInt(3, visibilitySeconds);
                    ps.setInt(4, quantity);
                },
                QueuedMessage::from);
    }

    @Override
    public boolean acknowledge(Connection c, Subscription s, long msgId) {
        String function = ackMode == AckMode.ARCHIVE ? "public.bus_archive" : "public.bus_delete";
        return single(c, "acknowledging message " + msgId + " of queue " + s.queueName(),
                "SELECT " + function + "(?::text, ?::text, ?::bigint)",
                ps -> {
                    ps.setString(1, s.queueName());
                    ps.setString(2, s.channel());
                    ps.setLong(3, msgId);
                },
                rs -> rs.getBoolean(1));
    }

    @Override
    public int acknowledgeAll(Connection c, Subscription s, Collection<Long> msgIds) {
        return acknowledgeAll(c, s, msgIds, false);
    }

    @Override
    public int acknowledgeAllAndCommit(Connection c, Subscription s, Collection<Long> msgIds) {
        return acknowledgeAll(c, s, msgIds, true);
    }

    private int acknowledgeAll(Connection c, Subscription s, Collection<Long> msgIds, boolean commit) {
        String function = ackMode == AckMode.ARCHIVE ? "public.bus_archive" : "public.bus_delete";
        String what = "acknowledging " + msgIds.size() + " messages of queue " + s.queueName();
        String sql = "SELECT count(*) FILTER (WHERE " + function + "(?::text, ?::text, id)) FROM unnest(?::bigint[]) AS id";
        Binder binder = ps -> {
            ps.setString(1, s.queueName());
            ps.setString(2, s.channel());
            ps.setArray(3, c.createArrayOf("bigint", msgIds.toArray()));
        };
        List<Integer> counted = commit ? queryAndCommit(c, what, sql, binder, rs -> rs.getInt(1))
                : query(c, what, sql, binder, rs -> rs.getInt(1));
        if (counted.size() != 1) {
            throw new BusException(what + ": expected one row, the database returned " + counted.size());
        }
        return counted.get(0);
    }

    @Override
    public boolean release(Connection c, Subscription s, long msgId, int delaySeconds) {
        requireNonNegative("delay", delaySeconds);
        return single(c, "releasing message " + msgId + " of queue " + s.queueName(),
                "SELECT public.bus_set_vt(?::text, ?::text, ?::bigint, ?::integer)",
                ps -> {
                    ps.setString(1, s.queueName());
                    ps.setString(2, s.channel());
                    ps.setLong(3, msgId);
                    ps.setInt(4, delaySeconds);
                },
                rs -> rs.getBoolean(1));
    }

    @Override
    public Long deadLetter(Connection c, Subscription s, long msgId, String error) {
        return single(c, "dead-lettering message " + msgId + " of queue " + s.queueName(),
                "SELECT public.bus_dead_letter(?::text, ?::text, ?::bigint, ?::text)",
                ps -> {
                    ps.setString(1, s.queueName());
                    ps.setString(2, s.channel());
                    ps.setLong(3, msgId);
                    ps.setString(4, error);
                },
                rs -> (Long) rs.getObject(1, Long.class));
    }

    @Override
    public Set<Long> extend(Connection c, Subscription s, Collection<QueuedMessage> held, int visibilitySeconds) {
        requireNonNegative("visibility timeout", visibilitySeconds);
        return Set.copyOf(query(c, "extending " + held.size() + " messages of queue " + s.queueName(),
                "SELECT id FROM public.bus_extend(?::text, ?::text, ?::bigint[], ?::integer[], ?::integer) AS id",
                ps -> {
                    ps.setString(1, s.queueName());
                    ps.setString(2, s.channel());
                    bindHeld(c, ps, 3, held);
                    ps.setInt(5, visibilitySeconds);
                },
                rs -> rs.getLong(1)));
    }

    @Override
    public int handBack(Connection c, Subscription s, Collection<QueuedMessage> messages) {
        return single(c, "handing back " + messages.size() + " messages of queue " + s.queueName(),
                "SELECT public.bus_hand_back(?::text, ?::text, ?::bigint[], ?::integer[])",
                ps -> {
                    ps.setString(1, s.queueName());
                    ps.setString(2, s.channel());
                    bindHeld(c, ps, 3, messages);
                },
                rs -> rs.getInt(1));
    }

    @Override
    public Set<String> heartbeat(Connection c, Collection<Subscription> subscriptions) {
        String[] queues = subscriptions.stream().map(Subscription::queueName).toArray(String[]::new);
        String[] channels = subscriptions.stream().map(Subscription::channel).toArray(String[]::new);
        return Set.copyOf(query(c, "heartbeat of " + queues.length + " subscriptions",
                "SELECT t.q FROM unnest(?::text[], ?::text[]) AS t(q, ch) WHERE NOT public.bus_heartbeat(t.q, t.ch)",
                ps -> {
                    ps.setArray(1, c.createArrayOf("text", queues));
                    ps.setArray(2, c.createArrayOf("text", channels));
                },
                rs -> rs.getString(1)));
    }

    @Override
    String statsFunction() {
        return "public.bus_subscription_stats()";
    }

    @Override
    public long pruneArchives(Connection c, Duration olderThan) {
        return single(c, "pruning the archives", "SELECT public.bus_prune_archives(?::integer)",
                ps -> ps.setInt(1, (int) Math.min(Integer.MAX_VALUE, olderThan.toSeconds())), rs -> rs.getLong(1));
    }

    @Override
    public List<String> reapExpired(Connection c, Duration healthyFor) {
        return query(c, "reaping expired subscriptions",
                "SELECT q FROM public.bus_reap_expired(?::integer) AS q",
                ps -> ps.setInt(1, (int) Math.min(Integer.MAX_VALUE, Math.max(0, healthyFor.toSeconds()))),
                rs -> rs.getString(1));
    }

    /** A queue that was reaped or left is "not a member" to the wrappers, like one that never existed. */
    @Override
    public boolean queueGone(BusException e) {
        return super.queueGone(e) || "42501".equals(e.getSqlState())
                && String.valueOf(e.getMessage()).contains("not a member");
    }

    @Override
    public List<String> reap(Connection c, Duration maxAge) {
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new BusException("reap age must be positive, was " + maxAge);
        }
        return query(c, "reaping stale subscriptions",
                "SELECT q FROM public.bus_reap(?::integer) AS q",
                ps -> ps.setInt(1, (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxAge.toSeconds()))),
                rs -> rs.getString(1));
    }

    @Override
    public void leave(Connection c, Subscription s) {
        single(c, "leaving channel '" + s.channel() + "' (queue " + s.queueName() + ")",
                "SELECT public.bus_leave(?::text, ?::text)",
                ps -> {
                    ps.setString(1, s.queueName());
                    ps.setString(2, s.channel());
                },
                rs -> rs.getObject(1));
    }

    private static List<Long> longs(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        return List.of((Long[]) array.getArray());
    }
}
