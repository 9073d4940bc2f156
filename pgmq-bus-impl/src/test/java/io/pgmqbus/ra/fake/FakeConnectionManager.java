// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.fake;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A container's connection manager without pooling: one managed connection per allocation,
 * destroyed when its handle closes; records the connection events the adapter fires.
 */
public final class FakeConnectionManager implements ConnectionManager {
    private static final long serialVersionUID = 1L;

    public final transient List<ConnectionEvent> errors = new CopyOnWriteArrayList<>();
    public final transient List<ManagedConnection> live = new CopyOnWriteArrayList<>();

    @Override
    public Object allocateConnection(ManagedConnectionFactory mcf, ConnectionRequestInfo info) throws ResourceException {
        ManagedConnection mc = mcf.createManagedConnection(null, info);
        live.add(mc);
        mc.addConnectionEventListener(new ConnectionEventListener() {
            @Override
            public void connectionClosed(ConnectionEvent event) {
                live.remove(mc);
                try {
                    mc.destroy();
                } catch (ResourceException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void localTransactionStarted(ConnectionEvent event) {
            }

            @Override
            public void localTransactionCommitted(ConnectionEvent event) {
            }

            @Override
            public void localTransactionRolledback(ConnectionEvent event) {
            }

            @Override
            public void connectionErrorOccurred(ConnectionEvent event) {
                errors.add(event);
            }
        });
        return mc.getConnection(null, info);
    }
}
