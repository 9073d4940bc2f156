// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.inbound.Activation;
import io.pgmqbus.ra.inbound.Outage;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TimerTask;
import java.util.logging.Logger;
import javax.sql.XAConnection;

/**
 * The adapter's periodic task on the container's timer: one statement refreshes every joined
 * subscription of this node, and dead peers' ephemeral subscriptions (not seen for two leases) are
 * reaped, so a node killed without deactivating does not make its channels grow forever; and the
 * adapter's pool closes the connections nobody used for a while.
 */
final class Heartbeat extends TimerTask {
    private static final Logger LOG = Logger.getLogger(Heartbeat.class.getName());

    /**
     * Pooled connections unused for three heartbeats are closed: those that readers polling at
     * their fallback interval (5 s by default) and this task reuse stay, a burst's extra ones go.
     */
    static final int IDLE_HEARTBEATS = 3;

    private final PgmqBusResourceAdapter ra;
    private final Outage outage = new Outage(LOG, "pgmq-bus heartbeat");

    Heartbeat(PgmqBusResourceAdapter ra) {
        this.ra = ra;
    }

    @Override
    public void run() {
        List<Subscription> mine = new ArrayList<>();
        for (Activation a : ra.activations()) {
            Subscription s = a.subscription();
            if (s != null) {
                mine.add(s);
            }
        }
        XAConnection xa = null;
        Throwable failure = null;
        try {
            xa = ra.connections().borrow();
            Connection c = xa.getConnection();
            if (!mine.isEmpty()) {
                ra.busBackend().heartbeat(c, mine);
            }
            List<String> reaped = ra.busBackend().reap(c, Duration.ofSeconds(2L * ra.settings().leaseSeconds()));
            if (!reaped.isEmpty()) {
                LOG.info("pgmq-bus: reaped " + reaped.size() + " dead subscriptions: " + reaped);
            }
            outage.succeeded();
        } catch (Exception e) {
            failure = e;
            outage.failed(e);
        } finally {
            if (xa != null) {
                ra.connections().release(xa, failure);
            }
        }
        ra.connections().closeIdle(IDLE_HEARTBEATS * ra.settings().heartbeatSeconds() * 1000L);
    }
}
