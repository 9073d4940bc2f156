// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.testdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The fault suite's database crash: what was committed or prepared survives it, connections do not. */
class CrashRestartTest {
    @Test
    void aCrashCutsConnectionsAndKeepsWhatWasCommittedAndPrepared() throws SQLException {
        TestDatabase db = TestDatabase.get();
        assumeTrue(db.crashable(), "an external database is not crashed by tests");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS crash_kept; CREATE TABLE crash_kept (v int)");
            st.execute("BEGIN; INSERT INTO crash_kept VALUES (1); COMMIT");
            st.execute("BEGIN; INSERT INTO crash_kept VALUES (2); PREPARE TRANSACTION 'crash_test'");
        }
        try (Connection open = db.connect()) {
            db.crash();
            assertThrows(SQLException.class, () -> open.createStatement().execute("SELECT 1"));
            db.restart();
        }
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            assertEquals(1, count(st, "SELECT count(*) FROM crash_kept"));
            assertEquals(1, count(st, "SELECT count(*) FROM pg_prepared_xacts WHERE gid = 'crash_test'"));
            st.execute("COMMIT PREPARED 'crash_test'");
            assertEquals(2, count(st, "SELECT count(*) FROM crash_kept"));
        }
    }

    private static int count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
