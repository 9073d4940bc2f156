// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.testdb;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An embedded PostgreSQL from Maven Central binaries: nothing to install, works on a fresh machine.
 * It can be crashed (an immediate stop: no checkpoint, every backend gone, WAL replayed at the next
 * start) and started again on the same data and port, for the fault suite and the soak.
 */
final class EmbeddedServer implements AutoCloseable {
    private final EmbeddedPostgres pg;
    private final Path data;
    /** The postmaster started by {@link #restart()}, which zonky does not know of. */
    private Process restarted;

    private EmbeddedServer(EmbeddedPostgres pg, Path data) {
        this.pg = pg;
        this.data = data;
    }

    static TestDatabase start(int port, Map<String, String> settings) {
        try {
            Path data = Files.createTempDirectory("pgmq-bus-pg");
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
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
            return new TestDatabase(url, "postgres", "postgres", "embedded PostgreSQL", new EmbeddedServer(pg, data));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
        }
    }

    /**
     * An immediate shutdown (SIGQUIT to the postmaster, what {@code pg_ctl stop -m immediate} sends;
     * pg_ctl itself refuses to run as root): the postmaster and every backend quit at once, as in a crash.
     */
    void crash() {
        long pid = postmasterPid();
        signal("QUIT", pid);
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(60, TimeUnit.SECONDS).join());
    }

    /** Starts the crashed server again with the command line it last ran with (its {@code postmaster.opts}). */
    synchronized void restart() {
        try {
            String opts = Files.readString(data.resolve("postmaster.opts"), StandardCharsets.UTF_8).trim();
            List<String> command = new ArrayList<>();
            if (LinuxUtils.isUnshareAvailable()) {
                // as zonky starts it: PostgreSQL refuses to run as root, and within a new user namespace it is not
                command.addAll(List.of("unshare", "-U"));
            }
            command.add(opts.substring(0, opts.indexOf(' ')));
            Matcher quoted = Pattern.compile("\"([^\"]*)\"").matcher(opts.substring(opts.indexOf(' ')));
            while (quoted.find()) {
                command.add(quoted.group(1));
            }
            restarted = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("restart.log").toFile())).start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!accepting()) {
                if (!restarted.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL did not start again; see " + data.resolve("restart.log"));
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting PostgreSQL again", e);
        }
    }

    private boolean accepting() {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres",
                "postgres", "postgres")) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL is not running (no postmaster.pid in " + data + ")", e);
        }
    }

    private static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling PostgreSQL", e);
        }
    }

    /** Stops the server: a fast shutdown (SIGINT) of one started again here, then zonky's own stop and clean-up. */
    @Override
    public synchronized void close() throws IOException {
        if (restarted != null && restarted.isAlive()) {
            signal("INT", restarted.pid());
            restarted.onExit().orTimeout(60, TimeUnit.SECONDS).join();
        }
        pg.close();
    }
}
