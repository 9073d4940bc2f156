// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import static io.pgmqbus.ra.backend.BusDb.count;
import static io.pgmqbus.ra.backend.BusDb.exec;
import static io.pgmqbus.ra.backend.BusDb.scalar;
import static io.pgmqbus.ra.backend.BusDb.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusException;
import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Databases of their own, as a DBA prepares them: where PUBLIC may create in schema public (the
 * default before PostgreSQL 15), where the scripts are outdated, and clients that send untyped
 * parameters (as pipecat's asyncpg backend does) under one role.
 */
class SchemaPublicTest {
    private final SchemaInstaller installer = new SchemaInstaller();
    private final PgmqBackend bus = new IsolatedBackend(AckMode.ARCHIVE);
    private String database;

    @BeforeEach
    void createDatabase() throws SQLException {
        BusDb.connect().close(); // roles of the cluster exist
        database = BusDb.freshDatabase();
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        try (Connection c = TestDatabase.get().connect()) {
            exec(c, "DROP DATABASE " + database + " WITH (FORCE)");
        }
    }

    @Test
    void theIsolatedScriptRefusesASchemaPublicWherePublicMayCreate() throws SQLException {
        try (Connection c = TestDatabase.get().connect(database)) {
            exec(c, "GRANT CREATE ON SCHEMA public TO PUBLIC");
            BusException e = assertThrows(BusException.class, () -> installer.install(c));
            assertTrue(e.getMessage().contains("allows CREATE to PUBLIC"), e.getMessage());
            assertEquals(0, count(c, "SELECT count(*) FROM pg_proc WHERE proname = 'bus_read'"), "nothing of 003 installed");
            exec(c, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            installer.install(c);
            installer.requireInstalled(c);
        }
    }

    @Test
    void anOverloadCreatedInSchemaPublicCapturesNoCallOfTheAdapter() throws Exception {
        try (Connection c = TestDatabase.get().connect(database)) {
            installer.install(c);
            exec(c, "GRANT CREATE ON SCHEMA public TO PUBLIC"); // granted later, by someone else
        }
        try (Connection attacker = BusDb.connectAsTenant("bus_tenant_a", database, null);
             Connection victim = BusDb.connectAsTenant("bus_tenant_b", database, null)) {
            exec(attacker, "CREATE TABLE public.captured (args text)");
            exec(attacker, "GRANT INSERT ON public.captured TO PUBLIC");
            for (String signature : List.of(
                    "bus_read(p_q varchar, p_c varchar, p_vt int, p_qty int) RETURNS TABLE(msg_id bigint, read_ct int,"
                            + " enqueued_at timestamptz, vt timestamptz, message jsonb, headers jsonb)",
                    "bus_publish(p_c varchar, p_q varchar, p_m jsonb, p_h jsonb, p_d int) RETURNS bigint[]",
                    "bus_archive(p_q varchar, p_c varchar, p_id bigint) RETURNS boolean")) {
                exec(attacker, "CREATE FUNCTION public." + signature + " LANGUAGE plpgsql AS $$BEGIN"
                        + " INSERT INTO public.captured VALUES ('" + signature.substring(0, 12) + "');"
                        + " RAISE EXCEPTION 'captured'; END$$");
            }
            String channel = unique("captured");
            Subscription s = bus.join(victim, channel, null, "b", 60);
            assertEquals(1, bus.publish(victim, channel, "{\"n\": 1}", null, 0).size());
            QueuedMessage m = bus.read(victim, s, 30, 1).get(0);
            assertTrue(bus.acknowledge(victim, s, m.msgId()));
            assertEquals(0, count(attacker, "SELECT count(*) FROM public.captured"), "no call reached the overloads");
        }
    }

    @Test
    void anOutdatedScriptOnTheDatabaseIsReportedNotUsed() throws SQLException {
        try (Connection c = TestDatabase.get().connect(database)) {
            installer.install(c);
            exec(c, "UPDATE pgmq_bus.script_version SET version = 1 WHERE script = '002_bus_schema'");
            BusException e = assertThrows(BusException.class, () -> installer.requireInstalled(c));
            assertTrue(e.getMessage().contains("002_bus_schema.sql is version 1") && e.getMessage().contains("needs version"),
                    e.getMessage());
        }
        try (Connection tenant = BusDb.connectAsTenant("bus_tenant_b", database, null)) {
            BusException e = assertThrows(BusException.class, () -> installer.requireInstalled(tenant,
                    List.of(SchemaInstaller.Script.BUS_SCHEMA, SchemaInstaller.Script.ISOLATED)));
            assertTrue(e.getMessage().contains("is version 1"), "a tenant learns it too: " + e.getMessage());
        }
    }

    /**
     * The five wrappers with pipecat's signatures, called as its asyncpg backend does (parameters
     * untyped, names unqualified), by two processes of one role on one channel.
     */
    @Test
    void twoUntypedClientsOfOneRoleShareAChannelThroughTheFiveWrappers() throws Exception {
        try (Connection c = TestDatabase.get().connect(database)) {
            installer.install(c);
        }
        try (Connection one = BusDb.connectAsTenant("bus_tenant_b", database, "stringtype=unspecified");
             Connection two = BusDb.connectAsTenant("bus_tenant_b", database, "stringtype=unspecified")) {
            String channel = unique("pipecat");
            String q1 = scalar(one, "SELECT bus_join(?)", channel);
            String q2 = scalar(two, "SELECT bus_join(?)", channel);
            assertEquals("1", scalar(one, "SELECT cardinality(bus_publish(?, ?, ?))::text", channel, q1, "{\"hi\": 2}"),
                    "one copy: the other process's queue, not the publisher's own");
            List<String> read = BusDb.column(two, "SELECT msg_id::text FROM bus_subscribe(?, ?, 30, 10, 0)", q2, channel);
            assertEquals(1, read.size(), "the other process got the copy");
            assertEquals(List.of(), BusDb.column(one, "SELECT msg_id::text FROM bus_subscribe(?, ?, 30, 10, 0)", q1, channel),
                    "the publisher's own queue got none");
            assertEquals("t", scalar(two, "SELECT bus_archive(?, ?, ?::bigint)", q2, channel, read.get(0)));
            scalar(one, "SELECT bus_leave(?, ?)::text", q1, channel);
            scalar(two, "SELECT bus_leave(?, ?)::text", q2, channel);
            assertEquals(0, count(TestDatabase.get().connect(database), "SELECT count(*) FROM pgmq_bus.subscription"));
        }
    }
}
