// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.XAConnection;
import org.junit.jupiter.api.Test;

/**
 * What waits for the WAL flush: the adapter's own reads and acknowledgements only with
 * durableAcknowledgements, publishing always as the database is configured.
 */
class CommitDurabilityTest {
    private static String synchronousCommit(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String inbound(AdapterFixture bus) throws SQLException {
        XAConnection xa = bus.ra.connections().borrow();
        try (Connection c = xa.getConnection()) {
            return synchronousCommit(c);
        } finally {
            bus.ra.connections().release(xa, null);
        }
    }

    /** A connection as the outbound managed connections get them. */
    private static String outbound(AdapterFixture bus) throws SQLException {
        XAConnection xa = bus.ra.openXa();
        try (Connection c = xa.getConnection()) {
            return synchronousCommit(c);
        } finally {
            xa.close();
        }
    }

    /** The database as the application configured it: synchronous_commit 'local', in the URL's options. */
    private static void configured(PgmqBusResourceAdapter ra) {
        String url = TestDatabase.get().jdbcUrl();
        ra.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "options=-c%20synchronous_commit%3Dlocal");
    }

    @Test
    void readsAndAcknowledgementsDoNotWaitForTheFlushByDefaultButPublishesKeepTheConfiguredSetting() throws Exception {
        try (AdapterFixture bus = new AdapterFixture("direct", CommitDurabilityTest::configured)) {
            assertEquals("off", inbound(bus), "the adapter's inbound connections");
            assertEquals("local", outbound(bus), "the connections publishes go through");
        }
    }

    @Test
    void durableAcknowledgementsKeepTheConfiguredSettingToo() throws Exception {
        try (AdapterFixture bus = new AdapterFixture("direct", ra -> {
            configured(ra);
            ra.setDurableAcknowledgements(true);
        })) {
            assertEquals("local", inbound(bus));
            assertEquals("local", outbound(bus));
        }
    }
}
