// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.outbound;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusConnectionFactory;
import io.pgmqbus.ra.PgmqBusResourceAdapter;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import jakarta.resource.spi.TransactionSupport;
import java.io.PrintWriter;
import java.util.Set;
import javax.security.auth.Subject;

/**
 * Creates the physical connections the container pools for {@link BusConnectionFactory}. It takes
 * its database settings from its resource adapter, so inbound and outbound always share one
 * adapter instance and one database.
 */
@ConnectionDefinition(
        connectionFactory = BusConnectionFactory.class,
        connectionFactoryImpl = BusConnectionFactoryImpl.class,
        connection = BusConnection.class,
        connectionImpl = BusConnectionImpl.class)
public class PgmqBusManagedConnectionFactory
        implements ManagedConnectionFactory, ResourceAdapterAssociation, TransactionSupport {
    private static final long serialVersionUID = 1L;

    private transient PgmqBusResourceAdapter ra;
    private transient PrintWriter logWriter;

    @Override
    public Object createConnectionFactory(ConnectionManager cm) {
        return new BusConnectionFactoryImpl(this, cm);
    }

    @Override
    public Object createConnectionFactory() throws ResourceException {
        throw new ResourceException("pgmq-bus connections are managed by the container: use a connection factory"
                + " bound in JNDI (java:/eis/pgmq-bus on WildFly, java:app/eis/pgmq-bus in the example EAR)");
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        return new PgmqBusManagedConnection(this);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ManagedConnection matchManagedConnections(Set candidates, Subject subject, ConnectionRequestInfo info) {
        for (Object candidate : candidates) {
            if (candidate instanceof PgmqBusManagedConnection mc && mc.factory() == this) {
                return mc;
            }
        }
        return null;
    }

    @Override
    public TransactionSupportLevel getTransactionSupport() {
        return TransactionSupportLevel.XATransaction;
    }

    PgmqBusResourceAdapter adapter() throws ResourceException {
        if (ra == null) {
            throw new ResourceException("pgmq-bus: the connection factory is not associated with its resource adapter");
        }
        return ra;
    }

    PgmqBusResourceAdapter adapterOrNull() {
        return ra;
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return ra;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        if (!(ra instanceof PgmqBusResourceAdapter bus)) {
            throw new ResourceException("pgmq-bus: not a pgmq-bus resource adapter: " + ra);
        }
        this.ra = bus;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    /** Equal when they create equal connections: same adapter (the only configuration they have). */
    @Override
    public boolean equals(Object o) {
        return o instanceof PgmqBusManagedConnectionFactory other && other.ra == ra;
    }

    @Override
    public int hashCode() {
        return ra == null ? 0 : System.identityHashCode(ra);
    }
}
