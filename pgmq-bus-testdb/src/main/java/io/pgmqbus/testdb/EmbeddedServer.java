// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.testdb;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** An embedded PostgreSQL from Maven Central binaries: nothing to install, works on a fresh machine. */
final class EmbeddedServer {
    private EmbeddedServer() {
    }

    static TestDatabase start(int port, Map<String, String> settings) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setServerConfig("max_prepared_transactions", "32")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("timezone", "America/Sao_Paulo")
                    .setServerConfig("fsync", "off");
            settings.forEach(builder::setServerConfig);
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres pg = builder.start();
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
            return new TestDatabase(url, "postgres", "postgres", "embedded PostgreSQL", pg);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
        }
    }
}
