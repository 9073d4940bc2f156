// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import io.pgmqbus.testdb.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The README's "run the example": starts PostgreSQL (embedded unless PGMQ_BUS_JDBC_URL is set),
 * boots the WildFly (or, with {@code -Dexample.server=payara}, the Payara) that the build unpacked
 * and configured (the example's datasource included, as for the suite: see the POM), gives it the
 * console's demo operator ({@link ConsoleOperator}), deploys the example EAR, prints where to look
 * (the example, its console), and stops both on Ctrl-C.
 */
public final class ExampleRunner {
    /** The Payara domain the example runs in: a copy of the suite's domain1. */
    private static final String DOMAIN = "example";
    private ExampleRunner() {
    }

    public static void main(String[] args) throws Exception {
        if ("payara".equals(System.getProperty("example.server", "wildfly"))) {
            runOnPayara();
            return;
        }
        Path home = Path.of(System.getProperty("jboss.home"));
        Path ear = Path.of(System.getProperty("deps.dir"), Deployments.EXAMPLE_EAR);
        int offset = Integer.getInteger("example.port.offset", 0);
        ServerDatabase database = ServerDatabase.of(TestDatabase.get());

        Path deployments = home.resolve("standalone/deployments");
        for (String suffix : List.of("", ".deployed", ".failed", ".isdeploying", ".pending")) {
            Files.deleteIfExists(deployments.resolve(Deployments.EXAMPLE_EAR + suffix));
        }
        ConsoleOperator.Creator.onWildFly(home);
        Path log = home.resolve("standalone/log/example-console.log");
        Files.createDirectories(log.getParent());
        Process server = new ProcessBuilder(List.of(home.resolve("bin/standalone.sh").toString(),
                "-Djboss.socket.binding.port-offset=" + offset,
                database.wildFlyArgument(home.resolve("standalone"))))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server), "example-stop"));

        Files.copy(ear, deployments.resolve(Deployments.EXAMPLE_EAR), StandardCopyOption.REPLACE_EXISTING);
        Path deployed = deployments.resolve(Deployments.EXAMPLE_EAR + ".deployed");
        Path failed = deployments.resolve(Deployments.EXAMPLE_EAR + ".failed");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(deployed)) {
            if (Files.exists(failed) || !server.isAlive() || System.nanoTime() > deadline) {
                System.err.println("The example did not deploy; see " + log + " and " + failed);
                System.exit(1);
            }
            Thread.sleep(200);
        }
        printWelcome("http://localhost:" + (8080 + offset) + "/example/", log, database);
        server.waitFor();
    }

    /**
     * Payara: copies domain1, writes the database into the copy's domain.xml, starts it, deploys the
     * EAR with asadmin; Ctrl-C stops the domain. Ports are the suite's (+2000: HTTP 10080, admin 6848).
     */
    private static void runOnPayara() throws Exception {
        Path home = Path.of(System.getProperty("payara.home"));
        Path ear = Path.of(System.getProperty("deps.dir"), Deployments.EXAMPLE_EAR);
        String adminPort = System.getProperty("payara.admin.port", "6848");
        ServerDatabase database = ServerDatabase.of(TestDatabase.get());
        // a fresh copy of the suite's domain1 (ports and JVM options already set), so nothing the
        // example deploys is left in the domain the Arquillian suite boots
        Path domains = home.resolve("glassfish/domains");
        deleteTree(domains.resolve(DOMAIN));
        try (var files = Files.walk(domains.resolve("domain1"))) {
            for (Path from : (Iterable<Path>) files::iterator) {
                Path to = domains.resolve(DOMAIN).resolve(domains.resolve("domain1").relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to);
                }
            }
        }
        database.intoPayaraDomain(domains.resolve(DOMAIN));
        String asadmin = home.resolve("bin/asadmin").toString();
        Path log = domains.resolve(DOMAIN).resolve("logs/server.log");
        asadmin(asadmin, "start-domain", DOMAIN);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                // Ctrl-C may have reached the server too; then stop-domain finds nothing to stop
                new ProcessBuilder(asadmin, "stop-domain", DOMAIN).inheritIO().start().waitFor();
            } catch (IOException e) {
                System.err.println("could not run asadmin stop-domain: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.println("pgmq-bus example stopped");
        }, "example-stop"));
        asadmin(asadmin, "--port", adminPort, "deploy", "--force=true", ear.toString());
        ConsoleOperator.Creator.onPayara(home, adminPort);
        printWelcome("http://localhost:10080/example/", log, database);
        Thread.currentThread().join();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void asadmin(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("failed: " + String.join(" ", command));
        }
    }

    private static void printWelcome(String base, Path log, ServerDatabase database) {
        System.out.println();
        System.out.println("pgmq-bus example is running: " + base);
        System.out.println("Place an order (stored and published in one transaction):");
        System.out.println("  curl -i -X POST -H 'Content-Type: application/json' -d '{\"item\":\"book\",\"quantity\":2}' "
                + base + "api/orders");
        System.out.println("What the message-driven beans received:");
        System.out.println("  curl " + base + "api/receipts");
        System.out.println("The operators' console, for a user in role pgmq-bus-operator (README \"Console and readiness check\"):");
        System.out.println("  " + base.replace("/example/", "/pgmq-bus/"));
        System.out.println("  user " + ConsoleOperator.USER + ", password " + ConsoleOperator.PASSWORD
                + " (created by this command in this server, for the demo only: never on a real server)");
        System.out.println("Orders and receipts are rows of example_orders and example_receipts in the bus's database: " + database);
        System.out.println("Server log: " + log);
        System.out.println("Ctrl-C stops the server and the database.");
    }

    private static void stop(Process server) {
        server.descendants().forEach(ProcessHandle::destroy);
        server.destroy();
        try {
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.println("pgmq-bus example stopped");
    }
}
