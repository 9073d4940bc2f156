// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.resource.spi.ResourceAdapterInternalException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The adapter's own properties: an invalid configuration refuses to start and names every bad property. */
class SettingsTest {

    @Test
    void anInvalidConfigurationNamesEveryBadPropertyAtOnce() {
        PgmqBusResourceAdapter ra = new PgmqBusResourceAdapter();
        ra.setJdbcUrl("jdbc:mysql://localhost/bus");
        ra.setBackend("shared");
        ra.setAckMode("forget");
        ra.setHeartbeatSeconds(0);
        ra.setArchiveRetentionSeconds(-1);
        ra.setArchivePruneIntervalSeconds(0);
        ra.setWakeUpIntervalMillis(-1);
        ResourceAdapterInternalException e = assertThrows(ResourceAdapterInternalException.class, () -> Settings.resolve(ra));
        for (String property : List.of("jdbcUrl", "backend", "ackMode", "heartbeatSeconds", "archiveRetentionSeconds",
                "archivePruneIntervalSeconds", "wakeUpIntervalMillis")) {
            assertTrue(e.getMessage().contains(property + " "), property + " is not named in: " + e.getMessage());
        }
    }

    @Test
    void theWakeUpIntervalDefaultsToTwoMillisecondsAndZeroTurnsItOff() throws Exception {
        PgmqBusResourceAdapter ra = new PgmqBusResourceAdapter();
        ra.setJdbcUrl("jdbc:postgresql://localhost/bus");
        assertEquals(2, Settings.resolve(ra).wakeUpIntervalMillis());
        ra.setWakeUpIntervalMillis(0);
        assertEquals(0, Settings.resolve(ra).wakeUpIntervalMillis());
    }
}
