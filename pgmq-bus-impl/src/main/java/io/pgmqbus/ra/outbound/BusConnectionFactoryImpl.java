// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.outbound;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusConnectionFactory;
import io.pgmqbus.api.BusException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import javax.naming.Reference;

/** The factory applications look up; every connection comes from the container's pool. */
final class BusConnectionFactoryImpl implements BusConnectionFactory {
    private static final long serialVersionUID = 1L;

    private final transient PgmqBusManagedConnectionFactory mcf;
    private final transient ConnectionManager cm;
    private Reference reference;

    BusConnectionFactoryImpl(PgmqBusManagedConnectionFactory mcf, ConnectionManager cm) {
        this.mcf = mcf;
        this.cm = cm;
    }

    @Override
    public BusConnection getConnection() {
        try {
            return (BusConnection) cm.allocateConnection(mcf, null);
        } catch (ResourceException e) {
            throw new BusException("pgmq-bus: no connection: " + e.getMessage(), e);
        }
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }
}
