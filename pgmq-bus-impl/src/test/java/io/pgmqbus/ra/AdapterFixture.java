// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusConnectionFactory;
import io.pgmqbus.ra.fake.FakeBootstrapContext;
import io.pgmqbus.ra.fake.FakeConnectionManager;
import io.pgmqbus.ra.fake.RecordingEndpointFactory;
import io.pgmqbus.ra.inbound.PgmqBusActivationSpec;
import io.pgmqbus.ra.outbound.PgmqBusManagedConnectionFactory;
import io.pgmqbus.testdb.TestDatabase;
import java.util.UUID;
import java.util.function.Consumer;

/** A started resource adapter on the real test database, with fake container contracts around it. */
final class AdapterFixture implements AutoCloseable {
    final FakeBootstrapContext ctx = new FakeBootstrapContext();
    final PgmqBusResourceAdapter ra = new PgmqBusResourceAdapter();
    final FakeConnectionManager cm = new FakeConnectionManager();
    final BusConnectionFactory factory;

    AdapterFixture(String backend) throws Exception {
        this(backend, ra -> { });
    }

    AdapterFixture(String backend, Consumer<PgmqBusResourceAdapter> tweak) throws Exception {
        TestDatabase db = TestDatabase.get();
        ra.setJdbcUrl(db.jdbcUrl());
        ra.setUser(db.user());
        ra.setPassword(db.password());
        ra.setBackend(backend);
        ra.setInstallSchema(true);
        tweak.accept(ra);
        ra.start(ctx);
        PgmqBusManagedConnectionFactory mcf = new PgmqBusManagedConnectionFactory();
        mcf.setResourceAdapter(ra);
        factory = (BusConnectionFactory) mcf.createConnectionFactory(cm);
    }

    static String channel(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    PgmqBusActivationSpec spec(String channel, Consumer<PgmqBusActivationSpec> tweak) throws Exception {
        PgmqBusActivationSpec spec = new PgmqBusActivationSpec();
        spec.setChannel(channel);
        spec.setResourceAdapter(ra);
        tweak.accept(spec);
        return spec;
    }

    RecordingEndpointFactory activate(PgmqBusActivationSpec spec, boolean transacted,
                                      RecordingEndpointFactory.Behaviour behaviour) throws Exception {
        RecordingEndpointFactory endpoints = new RecordingEndpointFactory("mdb-" + spec.getChannel(), transacted, behaviour);
        ra.endpointActivation(endpoints, spec);
        return endpoints;
    }

    /** The one number a query of the test database returns (a count, a lease). */
    static long count(String sql) throws Exception {
        try (java.sql.Connection c = TestDatabase.get().connect(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void publish(String channel, Object payload) {
        try (BusConnection c = factory.getConnection()) {
            c.publish(channel, payload);
        }
    }

    @Override
    public void close() throws Exception {
        ra.stop();
        assertTrue(ctx.fakeWorkManager().shutdown(30_000), "every work of the adapter ended after stop()");
    }
}
