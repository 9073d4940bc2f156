// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.faults;

import io.pgmqbus.example.it.ServerDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One WildFly node of the fault suite: the unpacked distribution run from a server base directory
 * of its own (configuration, deployments, transaction log, server log), on its own port offset and
 * with its own transaction node identifier, so that several nodes share one installation and one
 * database as a cluster does. It can be started, killed with SIGKILL, and started again on the same
 * base directory (the deployment and the transaction log survive the kill, as on a real host).
 */
final class Node implements AutoCloseable {
    private final String name;
    private final Path home;
    private final Path base;
    private final int offset;
    private final ServerDatabase database;
    private final Map<String, String> properties;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;

    /**
     * @param database   the adapter's database settings (given in a file, so that no password is on a command line)
     * @param properties further system properties of the server; the node adds its port offset and
     *                   {@code jboss.tx.node.id}
     */
    Node(String name, Path home, Path baseRoot, int offset, ServerDatabase database, Map<String, String> properties)
            throws IOException {
        this.name = name;
        this.home = home;
        this.base = baseRoot.resolve(name);
        this.offset = offset;
        this.database = database;
        this.properties = properties;
        deleteTree(base);
        Files.createDirectories(base.resolve("deployments"));
        copyTree(home.resolve("standalone/configuration"), base.resolve("configuration"));
    }

    String name() {
        return name;
    }

    Path log() {
        return base.resolve("log/server.log");
    }

    /** Puts {@code ear} into the deployment scanner's folder; it is deployed at the next (or a running) start. */
    void install(Path ear) throws IOException {
        Files.copy(ear, base.resolve("deployments").resolve(ear.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Boots the server and waits until every installed archive is deployed. */
    void start(Duration timeout) throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        List<Path> archives = archives();
        for (Path archive : archives) {
            for (String marker : List.of(".deployed", ".failed", ".isdeploying", ".pending", ".undeployed")) {
                Files.deleteIfExists(Path.of(archive + marker));
            }
        }
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base,
                "-Djboss.socket.binding.port-offset=" + offset,
                "-Djboss.tx.node.id=" + name,
                "-Djboss.node.name=" + name));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add(database.wildFlyArgument(base));
        Files.createDirectories(base.resolve("log"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve("log/console.log").toFile()));
        builder.environment().put("JAVA_OPTS", "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
                + " -Djava.net.preferIPv4Stack=true -Djboss.modules.system.pkgs=org.jboss.byteman");
        process = builder.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Path archive : archives) {
            while (!Files.exists(Path.of(archive + ".deployed"))) {
                if (Files.exists(Path.of(archive + ".failed")) || !process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + ": " + archive.getFileName() + " did not deploy; see " + log()
                            + (Files.exists(Path.of(archive + ".failed")) ? ": " + Files.readString(Path.of(archive + ".failed")) : ""));
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Undeploys {@code archive} through the deployment scanner and returns how long the server took
     * to stop it, as it reports that itself (WFLYSRV0028; the scanner's own polling, up to 5 s before
     * it notices, is not part of undeploying).
     */
    Duration undeploy(String archive, Duration timeout) throws IOException, InterruptedException {
        Path deployed = base.resolve("deployments").resolve(archive + ".deployed");
        Path undeployed = base.resolve("deployments").resolve(archive + ".undeployed");
        long logOffset = Files.size(log());
        long start = System.nanoTime();
        Files.delete(deployed);
        while (!Files.exists(undeployed)) {
            if (System.nanoTime() - start > timeout.toNanos() || !process.isAlive()) {
                throw new IllegalStateException(name + ": " + archive + " was not undeployed within " + timeout + "; see " + log());
            }
            Thread.sleep(20);
        }
        String since = logSince(logOffset);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("WFLYSRV0028: Stopped deployment "
                + java.util.regex.Pattern.quote(archive) + " \\(runtime-name: [^)]*\\) in (\\d+)ms").matcher(since);
        if (!m.find()) {
            throw new IllegalStateException(name + " did not report stopping " + archive + " in " + log());
        }
        return Duration.ofMillis(Long.parseLong(m.group(1)));
    }

    /** What the server log says after {@code offset} (a size of the log read earlier). */
    String logSince(long offset) throws IOException {
        byte[] all = Files.readAllBytes(log());
        int from = (int) Math.min(offset, all.length);
        return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8);
    }

    private List<Path> archives() throws IOException {
        try (var files = Files.list(base.resolve("deployments"))) {
            return files.filter(p -> p.toString().endsWith(".ear")).sorted().toList();
        }
    }

    /** SIGKILL to the server's JVM (and its launcher script): no shutdown, no undeploy, nothing flushed. */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not die");
        }
        while (process.descendants().anyMatch(ProcessHandle::isAlive)) {
            Thread.sleep(50);
        }
    }

    /** The process id of the server's JVM (the adapter records subscriptions as host/pid). */
    long pid() {
        return process.descendants().filter(h -> h.info().commandLine().orElse("").contains("jboss-modules.jar"))
                .mapToLong(ProcessHandle::pid).findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " has no running JVM"));
    }

    boolean alive() {
        return process != null && process.isAlive() && process.descendants().anyMatch(ProcessHandle::isAlive);
    }

    /** Waits until the server's JVM has ended on its own (it halted itself). */
    void awaitDeath(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (alive()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " is still running after " + timeout);
            }
            Thread.sleep(50);
        }
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** POST to {@code path} on this node's HTTP port. */
    Response post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (java.net.ConnectException e) {
            return new Response(Response.REFUSED, e.toString());
        } catch (IOException e) {
            return new Response(Response.CUT, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(Response.CUT, e.toString());
        }
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + (8080 + offset) + path);
    }

    /** An HTTP answer; status {@link #REFUSED} when the node did not accept the connection, {@link #CUT} when no answer came. */
    record Response(int status, String body) {
        static final int REFUSED = -2;
        static final int CUT = -1;
    }

    /** Stops the server (SIGTERM, then SIGKILL after 60 s) and waits until its JVM is gone. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            for (ProcessHandle h : all) {
                long left = Math.max(0, deadline - System.nanoTime());
                if (h.onExit().completeOnTimeout(null, left, TimeUnit.NANOSECONDS).get() == null) {
                    h.destroyForcibly();
                }
            }
            for (ProcessHandle h : all) {
                h.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(name + " did not stop", e);
        }
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

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
