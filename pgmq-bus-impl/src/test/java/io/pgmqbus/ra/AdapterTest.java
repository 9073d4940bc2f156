// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Tests of a started adapter (direct backend unless a test switches) with fake contracts, on the real database. */
abstract class AdapterTest {
    AdapterFixture bus;
    /** A connection of the test's own to the database. */
    Connection db;

    @BeforeEach
    void startAdapter() throws Exception {
        bus = new AdapterFixture("direct");
        db = TestDatabase.get().connect();
    }

    @AfterEach
    void stopAdapter() throws Exception {
        db.close();
        bus.close();
    }

    /** Replaces the adapter with one on {@code backend} ("direct" or "isolated"). */
    void useBackend(String backend) throws Exception {
        bus.close();
        bus = new AdapterFixture(backend);
    }
}
