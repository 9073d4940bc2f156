// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench.driver;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The WildFly the build unpacked, run in its {@code standalone-full} configuration (Artemis
 * embedded, for the JMS side of the comparison), with the benchmark EAR deployed through the
 * deployment scanner; the driver talks to it over HTTP and, for management operations, jboss-cli.
 */
final class WildFly implements AutoCloseable {
    static final String EAR = "pgmq-bus-bench.ear";

    private final Path home;
    private final int offset;
    private final List<String> command;
    private final Path log;
    private volatile Process process;
    /** HTTP/1.1: a measurement request lasts up to a minute, which Undertow's HTTP/2 upgrade cuts short. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private WildFly(Path home, int offset, List<String> command, Path log) throws IOException {
        this.home = home;
        this.offset = offset;
        this.command = command;
        this.log = log;
        this.process = launch(ProcessBuilder.Redirect.to(log.toFile()));
    }

    private Process launch(ProcessBuilder.Redirect output) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start();
    }

    /** Boots the server with {@code properties} as system properties (the adapter's database settings). */
    static WildFly start(Path home, int offset, Map<String, String> properties) throws IOException {
        Path deployments = home.resolve("standalone/deployments");
        try (var old = Files.list(deployments)) {
            for (Path p : old.filter(p -> p.getFileName().toString().startsWith(EAR)).toList()) {
                Files.delete(p);
            }
        }
        // messages a previous run left in Artemis's journal would only slow this one down
        deleteTree(home.resolve("standalone/data/activemq"));
        // and a previous run's transactions in doubt belong to a database dropped since
        deleteTree(home.resolve("standalone/data/tx-object-store"));
        Path log = home.resolve("standalone/log/bench-console.log");
        Files.createDirectories(log.getParent());
        // the configuration file is left as unpacked: what a run adds (the application's datasource)
        // lives until the server stops, and the next run starts from the same configuration
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/standalone.sh").toString(),
                "--read-only-server-config=standalone-full.xml", "-Djboss.socket.binding.port-offset=" + offset));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        return new WildFly(home, offset, List.copyOf(command), log);
    }

    /** kill -9 of the server (its JVM and the script that started it); returns once it is gone. */
    void kill() throws InterruptedException, java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            p.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    /** Starts the server again, as before, on the deployments it has (the EAR included); the console log goes on. */
    void restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("WildFly is still running");
        }
        process = launch(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    /** Waits until the benchmark application answers ping (after a restart); false when it did not in time. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if ("ok".equals(get("ping"))) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * A copy of the adapter's RAR whose {@code META-INF/ironjacamar.xml} also sets {@code properties},
     * config properties of the resource adapter that have no system-property fallback (as an
     * operator would set them in the descriptor).
     */
    static Path configured(Path rar, Map<String, String> properties) throws IOException {
        Path copy = Files.createTempFile("pgmq-bus-ra", ".rar");
        StringBuilder lines = new StringBuilder();
        properties.forEach((k, v) -> lines.append("  <config-property name=\"").append(k).append("\">").append(v)
                .append("</config-property>\n"));
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(rar.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new ZipEntry(e.getName()));
                byte[] content = in.getInputStream(e).readAllBytes();
                if (e.getName().equals("META-INF/ironjacamar.xml")) {
                    String xml = new String(content, java.nio.charset.StandardCharsets.UTF_8);
                    int at = xml.indexOf("  <transaction-support>");
                    if (at < 0) {
                        throw new IllegalStateException("no <transaction-support> in the RAR's ironjacamar.xml");
                    }
                    content = (xml.substring(0, at) + lines + xml.substring(at)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                out.write(content);
                out.closeEntry();
            }
        }
        copy.toFile().deleteOnExit();
        return copy;
    }

    /** Writes the benchmark EAR (adapter, API in lib/, the web module) into the deployment scanner's folder and waits for it. */
    void deploy(Path rar, Path api, Path war, Duration timeout) throws IOException, InterruptedException {
        Path deployments = home.resolve("standalone/deployments");
        Path staged = Files.createTempFile("pgmq-bus-bench", ".ear");
        try (OutputStream out = Files.newOutputStream(staged); ZipOutputStream zip = new ZipOutputStream(out)) {
            add(zip, "pgmq-bus-ra.rar", rar);
            add(zip, "lib/pgmq-bus-api.jar", api);
            add(zip, "pgmq-bus-bench.war", war);
        }
        Files.move(staged, deployments.resolve(EAR));
        Path deployed = deployments.resolve(EAR + ".deployed");
        Path failed = deployments.resolve(EAR + ".failed");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(deployed)) {
            if (Files.exists(failed) || !process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the benchmark EAR did not deploy; see " + log
                        + (Files.exists(failed) ? ": " + Files.readString(failed) : ""));
            }
            Thread.sleep(200);
        }
        String pong = get("ping");
        if (!"ok".equals(pong)) {
            throw new IllegalStateException("the benchmark application answered '" + pong + "' to ping");
        }
    }

    /**
     * Deploys the PostgreSQL driver {@code driverJar} (WildFly registers it as a JDBC driver) and
     * binds a datasource of WildFly's pool to {@code jndiName}: local transactions, enlisted in JTA
     * (what an application uses to call PGMQ without the bus).
     */
    void dataSource(Path driverJar, String jndiName, String url) throws IOException, InterruptedException {
        Path deployments = home.resolve("standalone/deployments");
        String jar = "postgresql.jar";
        Path deployed = deployments.resolve(jar + ".deployed");
        if (!Files.exists(deployed)) {
            Path staged = Files.createTempFile("postgresql", ".jar");
            Files.copy(driverJar, staged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(staged, deployments.resolve(jar), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!Files.exists(deployed)) {
                if (Files.exists(deployments.resolve(jar + ".failed")) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the PostgreSQL driver did not deploy; see " + log);
                }
                Thread.sleep(200);
            }
        }
        String name = jndiName.substring(jndiName.lastIndexOf('/') + 1);
        cli(List.of("data-source add --name=" + name + " --jndi-name=" + jndiName + " --driver-name=" + jar
                + " --connection-url=" + url + " --min-pool-size=0 --max-pool-size=20"));
    }

    private static void add(ZipOutputStream zip, String name, Path file) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        Files.copy(file, zip);
        zip.closeEntry();
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + (8080 + offset) + "/pgmq-bus-bench/api/bench/" + path);
    }

    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body() : "HTTP " + r.statusCode();
    }

    /** Runs one measurement in the server; fails with the server's answer when it is not 200. */
    JsonObject post(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(pathAndQuery))
                        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST " + pathAndQuery + ": HTTP " + r.statusCode() + " " + r.body()
                    + " (server log: " + log + ")");
        }
        try (JsonReader reader = Json.createReader(new StringReader(r.body()))) {
            return reader.readObject();
        }
    }

    /** jboss-cli commands (no commas in them) against this server's management port (local authentication). */
    String cli(List<String> commands) throws IOException, InterruptedException {
        String command = String.join(",", commands);
        Process p = new ProcessBuilder(home.resolve("bin/jboss-cli.sh").toString(), "--connect",
                "--controller=localhost:" + (9990 + offset), "--commands=" + command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0 || out.contains("\"outcome\" => \"failed\"")) {
            throw new IllegalStateException("jboss-cli " + command + " failed: " + out);
        }
        return out;
    }

    /** The management address of a bean of the benchmark's web module. */
    static String bean(String name) {
        return "/deployment=" + EAR + "/subdeployment=pgmq-bus-bench.war/subsystem=ejb3/message-driven-bean=" + name;
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (process.waitFor(60, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
