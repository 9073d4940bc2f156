// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.jboss.arquillian.config.descriptor.api.ContainerDef;
import org.jboss.arquillian.container.spi.Container;
import org.jboss.arquillian.container.spi.ContainerRegistry;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.event.container.AfterDeploy;
import org.jboss.arquillian.container.spi.event.container.BeforeStart;
import org.jboss.arquillian.core.api.Instance;
import org.jboss.arquillian.core.api.annotation.Inject;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Gives each server of the suite a user {@value #USER} in role {@code pgmq-bus-operator}, the
 * console's, the way the README tells an operator: WildFly with {@code bin/add-user.sh -a ... -g
 * pgmq-bus-operator} before it boots (ApplicationRealm of the default "other" domain); Payara
 * with {@code asadmin create-file-user --groups pgmq-bus-operator} once it runs, after the first deployment (the default file
 * realm; the console's glassfish-web.xml maps the group to the role). Already there: left alone.
 */
public class ConsoleOperator implements LoadableExtension {
    public static final String USER = "operator";
    public static final String PASSWORD = "operator-Pa55!";
    static final String GROUP = "pgmq-bus-operator";

    @Override
    public void register(ExtensionBuilder builder) {
        builder.observer(Creator.class);
    }

    public static class Creator {
        private static final Logger LOG = Logger.getLogger(ConsoleOperator.class.getName());

        private static volatile boolean payaraUserCreated;

        @Inject
        private Instance<ContainerRegistry> registry;

        public void beforeStart(@Observes BeforeStart event) throws IOException, InterruptedException {
            String jbossHome = properties(event.getDeployableContainer()).getContainerProperties().get("jbossHome");
            if (jbossHome == null) {
                return;
            }
            onWildFly(Path.of(jbossHome));
        }

        /**
         * Payara: after the first deployment (the managed adapter's server answers the admin port
         * only by then, not yet at AfterStart).
         */
        public void afterDeploy(@Observes AfterDeploy event) throws IOException, InterruptedException {
            ContainerDef def = properties(event.getDeployableContainer());
            String payaraHome = def.getContainerProperties().get("payaraHome");
            if (payaraHome == null || payaraUserCreated) {
                return;
            }
            payaraUserCreated = true;
            onPayara(Path.of(payaraHome), def.getContainerProperties().getOrDefault("adminPort", "4848"));
        }

        private ContainerDef properties(DeployableContainer<?> deployable) {
            for (Container<?> container : registry.get().getContainers()) {
                if (container.getDeployableContainer() == deployable) {
                    return container.getContainerConfiguration();
                }
            }
            throw new IllegalStateException("no container for " + deployable);
        }

        /** WildFly, before it boots: adds the user with add-user.sh unless application-users.properties has it. */
        static void onWildFly(Path jbossHome) throws IOException, InterruptedException {
            Path users = jbossHome.resolve("standalone/configuration/application-users.properties");
            if (Files.readAllLines(users, StandardCharsets.ISO_8859_1).stream().anyMatch(l -> l.startsWith(USER + "="))) {
                return;
            }
            run(List.of(jbossHome.resolve("bin/add-user.sh").toString(), "-a", "-u", USER, "-p", PASSWORD, "-g", GROUP), null);
        }

        /** Payara, running: adds the user to the file realm (its password in a temporary file, not on the command line). */
        static void onPayara(Path payaraHome, String adminPort) throws IOException, InterruptedException {
            Path passwords = Files.createTempFile("operator", ".txt");
            try {
                Files.writeString(passwords, "AS_ADMIN_USERPASSWORD=" + PASSWORD + "\n");
                run(List.of(payaraHome.resolve("bin/asadmin").toString(), "--port", adminPort, "--passwordfile",
                        passwords.toString(), "create-file-user", "--groups", GROUP, USER), "already exists");
            } finally {
                Files.deleteIfExists(passwords);
            }
        }

        /** Runs {@code command}; a failure whose output contains {@code fine} (when given) is no failure. */
        private static void run(List<String> command, String fine) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish");
            }
            if (process.exitValue() != 0 && (fine == null || !output.contains(fine))) {
                throw new IllegalStateException(String.join(" ", command.subList(0, 1)) + " failed (" + process.exitValue() + "): " + output);
            }
            LOG.info(() -> "console operator " + USER + ": " + output.strip());
        }
    }
}
