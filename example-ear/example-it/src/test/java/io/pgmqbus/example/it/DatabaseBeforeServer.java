// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import io.pgmqbus.testdb.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.jboss.arquillian.config.descriptor.api.ContainerDef;
import org.jboss.arquillian.container.spi.Container;
import org.jboss.arquillian.container.spi.ContainerRegistry;
import org.jboss.arquillian.container.spi.event.container.BeforeSetup;
import org.jboss.arquillian.core.api.Instance;
import org.jboss.arquillian.core.api.annotation.Inject;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Before Arquillian configures a server, starts the suite's database in the test JVM
 * ({@link TestDatabase}: {@code PGMQ_BUS_JDBC_URL} when set, else the embedded PostgreSQL on the
 * port the build fixes) and hands it to that server ({@link ServerDatabase}): WildFly gets
 * {@code --properties} with a file of the settings added to its {@code jbossArguments}, Payara the
 * settings as system properties in its domain's {@code domain.xml}. A container whose
 * {@code javaVmArguments} or {@code jbossArguments} in arquillian.xml name {@code PGMQ_BUS_JDBC_URL}
 * themselves keeps that database.
 */
public class DatabaseBeforeServer implements LoadableExtension {
    @Override
    public void register(ExtensionBuilder builder) {
        builder.observer(Starter.class);
    }

    public static class Starter {
        private static final Logger LOG = Logger.getLogger(DatabaseBeforeServer.class.getName());

        @Inject
        private Instance<ContainerRegistry> registry;

        public void start(@Observes BeforeSetup event) throws IOException {
            ServerDatabase database = ServerDatabase.of(TestDatabase.get());
            for (Container<?> container : registry.get().getContainers()) {
                if (container.getDeployableContainer() == event.getDeployableContainer()) {
                    configure(container.getName(), container.getContainerConfiguration(), database);
                }
            }
        }

        private static void configure(String name, ContainerDef configuration, ServerDatabase database) throws IOException {
            String jbossHome = configuration.getContainerProperties().get("jbossHome");
            String payaraHome = configuration.getContainerProperties().get("payaraHome");
            String named = configuration.getContainerProperties().getOrDefault("javaVmArguments", "")
                    + " " + configuration.getContainerProperties().getOrDefault("jbossArguments", "");
            if (named.contains(ServerDatabase.URL + "=")) {
                // arquillian.xml names this server's database itself (a proxy in front of it, say): that wins
                LOG.info(() -> "container '" + name + "' names its own " + ServerDatabase.URL + " in arquillian.xml");
                return;
            }
            if (jbossHome != null) {
                String given = configuration.getContainerProperties().getOrDefault("jbossArguments", "").trim();
                String argument = database.wildFlyArgument(Path.of(jbossHome, "standalone"));
                configuration.overrideProperty("jbossArguments", given.isEmpty() ? argument : given + " " + argument);
            } else if (payaraHome != null) {
                String domain = configuration.getContainerProperties().getOrDefault("domain", "domain1");
                database.intoPayaraDomain(Path.of(payaraHome, "glassfish", "domains", domain));
            } else {
                throw new IllegalStateException("container '" + name + "' has neither jbossHome (WildFly) nor payaraHome"
                        + " (Payara) in arquillian.xml: cannot hand it the database");
            }
            LOG.info(() -> "container '" + name + "' gets the database " + database);
        }
    }
}
