// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import java.util.List;
import javax.sql.XAConnection;
import org.junit.jupiter.api.Test;

/** The adapter's inbound pool reuses the most recent connection and closes those left idle. */
class ConnectionPoolTest {
    @Test
    void reusesTheMostRecentlyReturnedAndClosesOnlyThoseIdleTooLong() throws Exception {
        try (AdapterFixture bus = new AdapterFixture("direct")) {
            ConnectionSource pool = bus.ra.connections();
            pool.closeIdle(0);
            List<XAConnection> burst = List.of(pool.borrow(), pool.borrow(), pool.borrow());
            burst.forEach(xa -> pool.release(xa, null));
            assertEquals(3, pool.idleCount());

            XAConnection again = pool.borrow();
            assertSame(burst.get(2), again, "the connection returned last is reused first");
            pool.release(again, null);

            assertEquals(0, pool.closeIdle(60_000), "nothing has been idle for a minute");
            assertEquals(3, pool.closeIdle(0));
            assertEquals(0, pool.idleCount());
            for (XAConnection closed : burst) {
                assertThrows(SQLException.class, closed::getConnection, "a closed connection is not handed out again");
            }
        }
    }
}
