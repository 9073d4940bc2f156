// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import static io.pgmqbus.ra.backend.BusDb.exec;
import static io.pgmqbus.ra.backend.BusDb.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusException;
import io.pgmqbus.ra.backend.SchemaInstaller.Script;
import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The installer on empty databases of their own. */
class SchemaInstallerTest {
    private final SchemaInstaller installer = new SchemaInstaller();
    private String database;

    @BeforeEach
    void createDatabase() throws SQLException {
        database = BusDb.freshDatabase();
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        try (Connection c = TestDatabase.get().connect()) {
            exec(c, "DROP DATABASE " + database + " WITH (FORCE)");
        }
    }

    /** Every function definition and table of the bus's schemas, and the role: what installing may change. */
    private static List<String> snapshot(Connection c) throws SQLException {
        return BusDb.column(c, "SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid)"
                + " || ') ' || md5(pg_get_functiondef(p.oid)) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE n.nspname IN ('pgmq', 'pgmq_bus') OR p.proname LIKE 'bus\\_%'"
                + " UNION ALL SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname IN ('pgmq', 'pgmq_bus')"
                + " UNION ALL SELECT rolname FROM pg_roles WHERE rolname = 'pgmq_bus_client' ORDER BY 1");
    }

    @Test
    void reportsEveryMissingScriptByFileName() throws SQLException {
        try (Connection c = TestDatabase.get().connect(database)) {
            assertEquals(List.of(Script.values()), installer.missing(c));
            BusException e = assertThrows(BusException.class, () -> installer.requireInstalled(c));
            for (Script s : Script.values()) {
                assertTrue(e.getMessage().contains("sql/" + s.file()), e.getMessage());
            }
        }
    }

    @Test
    void installingTwiceChangesNothing() throws SQLException {
        try (Connection c = TestDatabase.get().connect(database)) {
            assertEquals(List.of(Script.values()), installer.install(c));
            assertEquals(List.of(), installer.missing(c));
            installer.requireInstalled(c);
            exec(c, "SELECT pgmq.create('kept'); SELECT pgmq.send('kept', '{\"n\": 1}'::jsonb)");
            List<String> before = snapshot(c);
            assertTrue(before.stream().anyMatch(f -> f.startsWith("public.bus_join(p_channel text)")), before.toString());
            assertTrue(before.contains("pgmq.q_kept") && before.contains("pgmq_bus_client"), before.toString());
            assertEquals(List.of(), installer.install(c), "nothing to apply");
            exec(c, "UPDATE pgmq_bus.script_version SET version = 0");
            assertEquals(List.of(Script.BUS_SCHEMA, Script.ISOLATED, Script.OPERATIONS), installer.install(c),
                    "applied again when outdated");
            assertEquals(before, snapshot(c));
            assertEquals("1", scalar(c, "SELECT count(*) FROM pgmq.q_kept"), "data survives a reinstall");
        }
    }

    @Test
    void theOperationsScriptIsAppliedOnceRecordedAndGrantedToTenantsOnly() throws SQLException {
        try (Connection c = TestDatabase.get().connect(database)) {
            assertTrue(installer.install(c).contains(Script.OPERATIONS));
            assertEquals("1", scalar(c, "SELECT version FROM pgmq_bus.script_version WHERE script = '004_operations'"));
            assertEquals("t f f", scalar(c, "SELECT concat_ws(' ',"
                    + " has_function_privilege('pgmq_bus_client', 'public.bus_purge_dead_letters(interval, text, text)', 'EXECUTE'),"
                    + " has_function_privilege('public', 'public.bus_purge_dead_letters(interval, text, text)', 'EXECUTE'),"
                    + " has_function_privilege('public', 'pgmq_bus.purge_dead_letters(interval, name, text, text)', 'EXECUTE'))"));
            assertEquals(List.of(), installer.install(c), "a second install applies nothing");

            exec(c, "DROP FUNCTION pgmq_bus.dead_letters(name, text, text)");
            assertEquals(List.of(Script.OPERATIONS), installer.missing(c));
            BusException e = assertThrows(BusException.class, () -> installer.requireInstalled(c));
            assertTrue(e.getMessage().contains("missing sql/004_operations.sql"), e.getMessage());
            assertEquals(List.of(Script.OPERATIONS), installer.install(c), "a missing function brings it back");
            assertEquals(List.of(), installer.missing(c));
        }
    }

    /** The direct backend alone (no 003): 004 installs, and its wrappers stay the owner's. */
    @Test
    void theOperationsScriptNeedsTheBusSchemaButNotTheIsolatedOne() throws SQLException {
        try (Connection c = TestDatabase.get().connect(database)) {
            exec(c, SchemaInstaller.text(Script.PGMQ_COMPAT));
            SQLException e = assertThrows(SQLException.class, () -> exec(c, SchemaInstaller.text(Script.OPERATIONS)));
            assertTrue(e.getMessage().contains("apply 002_bus_schema.sql first"), e.getMessage());
            exec(c, "ROLLBACK");
            exec(c, SchemaInstaller.text(Script.BUS_SCHEMA));
            exec(c, SchemaInstaller.text(Script.OPERATIONS));
            assertEquals("f f t", scalar(c, "SELECT concat_ws(' ',"
                    + " has_function_privilege('pgmq_bus_client', 'public.bus_dead_letters(text, text)', 'EXECUTE'),"
                    + " has_function_privilege('public', 'public.bus_dead_letters(text, text)', 'EXECUTE'),"
                    + " has_function_privilege('public', 'pgmq_bus.dead_letters(name, text, text)', 'EXECUTE')"
                    + " = has_function_privilege('public', 'pgmq_bus.dead_letter(text, bigint, text, text, jsonb)', 'EXECUTE'))"));
            assertEquals(List.of(Script.ISOLATED), installer.missing(c));
        }
    }

    /**
     * A node that died between PREPARE and COMMIT PREPARED of a publish leaves a branch holding its
     * locks until the transaction manager's recovery ends it, and recovery needs the adapter
     * started: a start that waited for those locks would never come (it did: ALTER TABLE in a
     * script that was already installed).
     */
    @Test
    void aStartWithTheSchemaCurrentDoesNotWaitForABranchLeftPrepared() throws SQLException {
        try (Connection c = TestDatabase.get().connect(database)) {
            installer.install(c);
            String gid = holdEveryBusTableInAPreparedBranch();
            try {
                exec(c, "SET lock_timeout = '3s'");
                assertEquals(List.of(), installer.install(c), "nothing to apply");
                installer.requireInstalled(c);
            } finally {
                exec(c, "RESET lock_timeout");
                exec(c, "ROLLBACK PREPARED '" + gid + "'");
            }
        }
    }

    @Test
    void anUpgradeBlockedByABranchLeftPreparedFailsNamingItInsteadOfWaitingForever() throws SQLException {
        try (Connection c = TestDatabase.get().connect(database)) {
            installer.install(c);
            exec(c, "UPDATE pgmq_bus.script_version SET version = version - 1 WHERE script = '002_bus_schema'");
            String gid = holdEveryBusTableInAPreparedBranch();
            try {
                long start = System.nanoTime();
                BusException e = assertThrows(BusException.class, () -> new SchemaInstaller(java.time.Duration.ofSeconds(2)).install(c));
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "bounded by the lock wait");
                assertTrue(e.getMessage().contains("002_bus_schema.sql") && e.getMessage().contains(gid)
                        && e.getMessage().contains("prepared"), e.getMessage());
            } finally {
                exec(c, "ROLLBACK PREPARED '" + gid + "'");
            }
            assertEquals(List.of(Script.BUS_SCHEMA), installer.install(c), "the upgrade goes through once the branch is gone");
        }
    }

    /** A prepared transaction that read every table of the bus's schemas, as a publish's branch does. */
    private String holdEveryBusTableInAPreparedBranch() throws SQLException {
        String gid = BusDb.unique("in_doubt");
        try (Connection branch = TestDatabase.get().connect(database)) {
            exec(branch, "BEGIN; DO $$ DECLARE t record; BEGIN FOR t IN SELECT schemaname, tablename FROM pg_tables"
                    + " WHERE schemaname IN ('pgmq', 'pgmq_bus') LOOP EXECUTE format('SELECT count(*) FROM %I.%I',"
                    + " t.schemaname, t.tablename); END LOOP; END $$; PREPARE TRANSACTION '" + gid + "'");
        }
        return gid;
    }

    @Test
    void twoNodesInstallingAtOnceBothSucceed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<List<Script>>> nodes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                nodes.add(() -> {
                    try (Connection c = TestDatabase.get().connect(database)) {
                        return installer.install(c);
                    }
                });
            }
            List<Script> applied = new ArrayList<>();
            for (Future<List<Script>> f : pool.invokeAll(nodes, 2, TimeUnit.MINUTES)) {
                applied.addAll(f.get());
            }
            assertEquals(List.of(Script.values()), applied, "one applies every script, the other finds them applied");
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = TestDatabase.get().connect(database)) {
            assertEquals(List.of(), installer.missing(c));
        }
    }

    @Test
    void leavesAnotherPgmqInstallAlone() throws SQLException {
        try (Connection c = TestDatabase.get().connect(database)) {
            // a PGMQ of another origin: the same API, but not marked as this project's compat install
            exec(c, SchemaInstaller.text(Script.PGMQ_COMPAT));
            exec(c, "COMMENT ON SCHEMA pgmq IS 'another PGMQ'; CREATE TABLE pgmq.sentinel (x int);"
                    + " INSERT INTO pgmq.sentinel VALUES (7); DROP FUNCTION pgmq.purge_queue(text)");
            assertEquals(List.of(Script.BUS_SCHEMA, Script.ISOLATED, Script.OPERATIONS), installer.install(c));
            assertEquals("7", scalar(c, "SELECT x FROM pgmq.sentinel"));
            assertEquals("0", scalar(c, "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE n.nspname = 'pgmq' AND p.proname = 'purge_queue'"), "the compat script was not applied");
            assertEquals("another PGMQ", scalar(c, "SELECT obj_description('pgmq'::regnamespace, 'pg_namespace')"));
            assertEquals(List.of(), installer.missing(c));
        }
    }

    @Test
    void theCompatScriptRefusesToOverwriteAForeignPgmqSchema() throws SQLException {
        try (Connection c = TestDatabase.get().connect(database)) {
            exec(c, "CREATE SCHEMA pgmq");
            SQLException e = assertThrows(SQLException.class, () -> exec(c, SchemaInstaller.text(Script.PGMQ_COMPAT)));
            assertTrue(e.getMessage().contains("skip 001_pgmq_compat.sql"), e.getMessage());
            exec(c, "ROLLBACK");
            assertEquals("0", scalar(c, "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE n.nspname = 'pgmq'"), "nothing was created");
        }
    }
}
