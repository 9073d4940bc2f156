// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import io.pgmqbus.testdb.TestDatabase;
import org.jboss.arquillian.container.spi.event.SetupContainers;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Starts the suite's PostgreSQL (embedded, on the fixed port the server is told about) in the test
 * JVM before Arquillian boots the server, so the adapter finds it at start.
 */
public class DatabaseBeforeServer implements LoadableExtension {
    @Override
    public void register(ExtensionBuilder builder) {
        builder.observer(Starter.class);
    }

    public static class Starter {
        public void start(@Observes SetupContainers event) {
            TestDatabase.get();
        }
    }
}
