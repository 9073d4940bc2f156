// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.testdb;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL with the real PGMQ extension in a container: the opt-in path
 * ({@code -Dpgmq.bus.db=testcontainers}) that proves the bus against PGMQ itself.
 */
final class ContainerServer {
    /** Override with {@code -Dpgmq.bus.db.image=...}. */
    static final String IMAGE_PROPERTY = "pgmq.bus.db.image";
    static final String DEFAULT_IMAGE = "ghcr.io/pgmq/pg17-pgmq:v1.5.1";

    private ContainerServer() {
    }

    static TestDatabase start() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("-D" + TestDatabase.KIND_PROPERTY + "=testcontainers needs a Docker engine"
                    + " and none answers here; unset it to use the embedded PostgreSQL, or set "
                    + TestDatabase.URL_VARIABLE + " to a database of your own");
        }
        String image = System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE);
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>(
                DockerImageName.parse(image).asCompatibleSubstituteFor("postgres"))
                .withCommand("postgres", "-c", "max_prepared_transactions=32", "-c", "timezone=America/Sao_Paulo");
        container.start();
        return new TestDatabase(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                "Testcontainers " + image, container::stop);
    }
}
