// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.outbound;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusException;
import io.pgmqbus.api.BusOperations;
import io.pgmqbus.ra.ConnectionSource;
import io.pgmqbus.ra.Json;
import io.pgmqbus.ra.PgmqBusResourceAdapter;
import io.pgmqbus.ra.backend.PgmqBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The handle an application holds: every publish runs on its managed connection, and so in the
 * caller's transaction. Headers carry type, id, timestamp, sender and channel, then the caller's own.
 */
final class BusConnectionImpl implements BusConnection {
    private final PgmqBusResourceAdapter ra;
    private volatile PgmqBusManagedConnection mc;
    private volatile boolean closed;
    /** The transaction this handle was used in was rolled back (possibly while the caller still runs). */
    private volatile boolean rolledBack;

    BusConnectionImpl(PgmqBusManagedConnection mc, PgmqBusResourceAdapter ra) {
        this.mc = mc;
        this.ra = ra;
    }

    PgmqBusManagedConnection managedConnection() {
        return mc;
    }

    void associate(PgmqBusManagedConnection other) {
        this.mc = other;
    }

    void invalidate() {
        closed = true;
    }

    void transactionRolledBack() {
        rolledBack = true;
    }

    boolean rolledBack() {
        return rolledBack;
    }

    /**
     * Whether this handle is open and its database connection answers within {@code timeoutSeconds}
     * (as {@link java.sql.Connection#isValid}). IronJacamar's recovery asks this by reflection before
     * every scan and destroys its recovery connection when the method is missing or says false.
     */
    public boolean isValid(int timeoutSeconds) {
        PgmqBusManagedConnection current = mc;
        return !closed && current != null && current.isValid(timeoutSeconds);
    }

    @Override
    public List<Long> publish(String channel, Object payload) {
        return publish(channel, null, payload, null, null);
    }

    @Override
    public List<Long> publish(String channel, String type, Object payload, Map<String, String> headers, Duration delay) {
        int delaySeconds = delay == null ? 0 : (int) Math.max(0, Math.min(Integer.MAX_VALUE, delay.toSeconds()));
        String message = Json.payload(payload);
        return ra.tracing().publish(channel, trace -> {
            String allHeaders = headers(channel, type, headers, trace);
            return publishing(channel, "publishing to channel '" + channel + "'",
                    c -> backend().publish(c, channel, message, allHeaders, delaySeconds));
        });
    }

    @Override
    public List<Long> publishBatch(String channel, List<?> payloads) {
        List<String> messages = new ArrayList<>(payloads.size());
        for (Object payload : payloads) {
            messages.add(Json.payload(payload));
        }
        return ra.tracing().publish(channel, trace -> {
            String allHeaders = headers(channel, null, null, trace);
            return publishing(channel, "publishing " + messages.size() + " messages to channel '" + channel + "'",
                    c -> backend().publishBatch(c, channel, messages, allHeaders));
        });
    }

    @Override
    public long send(String channel, String subscription, Object payload) {
        String message = Json.payload(payload);
        return ra.tracing().publish(channel, trace -> {
            String allHeaders = headers(channel, null, null, trace);
            return publishing(channel, "sending to subscription '" + subscription + "' of channel '" + channel + "'",
                    c -> backend().sendToSubscription(c, channel, subscription, message, allHeaders));
        });
    }

    @Override
    public int publishLocal(String channel, Object payload) {
        open();
        String message = Json.payload(payload);
        return ra.tracing().publish(channel, trace -> ra.deliverLocally(channel, message, headers(channel, null, null, trace)));
    }

    @Override
    public BusOperations operations() {
        open();
        return new BusOperationsImpl(this, backend());
    }

    /** Runs an operator's work on the managed connection, in the handle's transaction like a publish. */
    <T> T operating(String what, ConnectionSource.SqlWork<T> work) {
        PgmqBusManagedConnection current = open();
        try {
            return current.publish(this, what, false, work);
        } catch (BusException e) {
            throw current.failed(e);
        }
    }

    private PgmqBackend backend() {
        return ra.busBackend();
    }

    /** Runs one publish on the managed connection, in the handle's transaction, and remembers the channel for wake-ups. */
    private <T> T publishing(String channel, String what, ConnectionSource.SqlWork<T> work) {
        PgmqBusManagedConnection current = open();
        try {
            T result = current.publish(this, what, true, work);
            current.published(channel);
            return result;
        } catch (BusException e) {
            throw current.failed(e);
        }
    }

    private PgmqBusManagedConnection open() {
        if (closed) {
            throw new BusException("this pgmq-bus connection is closed");
        }
        return mc;
    }

    private String headers(String channel, String type, Map<String, String> own, Map<String, String> trace) {
        Map<String, Object> h = new LinkedHashMap<>();
        if (own != null) {
            h.putAll(own);
        }
        h.putAll(trace);
        h.put("channel", channel);
        h.put("id", UUID.randomUUID().toString());
        h.put("timestamp", Instant.now().toString());
        h.put("sender", ra.node());
        if (type != null) {
            h.put("type", type);
        }
        return Json.merge(null, h);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            mc.handleClosed(this);
        }
    }
}
