// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import io.pgmqbus.testdb.TestDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that gives an application server the database of the suite and of the example:
 * {@link TestDatabase} ({@code PGMQ_BUS_JDBC_URL} with its user and password when set, else the
 * embedded PostgreSQL) as the adapter's fallback system properties ({@code PGMQ_BUS_JDBC_URL},
 * {@code PGMQ_BUS_JDBC_USER}, {@code PGMQ_BUS_JDBC_PASSWORD}, {@code PGMQ_BUS_INSTALL_SCHEMA}).
 *
 * <p>The password never reaches a log: user and password taken out of the URL's query are given as
 * properties of their own (WildFly's boot log, which lists every system property, redacts a value
 * whose name contains "password", but not a URL's query), and nothing goes on a command line
 * (Arquillian logs WildFly's, Payara logs its JVM's): WildFly reads the settings from a file
 * ({@code --properties}), Payara from system properties of its server in {@code domain.xml}.
 *
 * @param url the URL a server gets, without user and password
 * @param user the user (null: the driver's default)
 * @param password the password (null: none), never in {@link #toString()}
 */
public record ServerDatabase(String url, String user, String password) {
    static final String URL = TestDatabase.URL_VARIABLE;
    static final String USER = TestDatabase.USER_VARIABLE;
    static final String PASSWORD = TestDatabase.PASSWORD_VARIABLE;
    /** Every server of the suite installs the bus's SQL itself (PGMQ's compatible SQL only where the extension is missing). */
    static final String INSTALL_SCHEMA = "PGMQ_BUS_INSTALL_SCHEMA";
    /** WildFly: the file the settings are written to, below the server's base directory. */
    static final String WILDFLY_FILE = "configuration/pgmq-bus-database.properties";

    private static final Pattern CREDENTIAL = Pattern.compile("(?i)^(user|password)=(.*)$");
    /** The names of {@link #systemProperties()}, as a regular expression. */
    private static final String NAMES = "(?:" + String.join("|", List.of(URL, USER, PASSWORD, INSTALL_SCHEMA)) + ")";

    /**
     * The settings for {@code db}: its URL without {@code user=} and {@code password=} in the query,
     * and those (which win, as in the driver) or else the database's own user and password.
     */
    public static ServerDatabase of(TestDatabase db) {
        String given = db.jdbcUrl();
        String user = db.user();
        String password = db.password();
        int query = given.indexOf('?');
        if (query < 0) {
            return new ServerDatabase(given, user, password);
        }
        List<String> kept = new ArrayList<>();
        for (String parameter : given.substring(query + 1).split("&")) {
            Matcher m = CREDENTIAL.matcher(parameter);
            if (!m.matches()) {
                kept.add(parameter);
            } else if (m.group(1).equalsIgnoreCase("user")) {
                user = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
            } else {
                password = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
            }
        }
        String url = given.substring(0, query) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        return new ServerDatabase(url, user, password);
    }

    /** The system properties a server gets, in order; user and password only when there are any. */
    public Map<String, String> systemProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(URL, url);
        if (user != null) {
            properties.put(USER, user);
        }
        if (password != null) {
            properties.put(PASSWORD, password);
        }
        properties.put(INSTALL_SCHEMA, "true");
        return properties;
    }

    /**
     * WildFly: writes the settings to {@link #WILDFLY_FILE} below {@code serverBase} (its
     * {@code standalone} directory), readable by the owner only, and returns the server argument
     * that loads them.
     */
    public String wildFlyArgument(Path serverBase) throws IOException {
        Path file = serverBase.resolve(WILDFLY_FILE);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Properties properties = new Properties();
        properties.putAll(systemProperties());
        try (OutputStream out = Files.newOutputStream(file)) {
            properties.store(out, "pgmq-bus: the database of the suite or the example (written before each boot)");
        }
        return "--properties=" + file.toUri();
    }

    /**
     * Payara: writes the settings as {@code <system-property>} elements of the server named
     * {@code server} into {@code domainDir}'s {@code config/domain.xml}, in place of those written
     * before (and of {@code -DPGMQ_BUS_...} JVM options an earlier build put there).
     */
    void intoPayaraDomain(Path domainDir) throws IOException {
        Path domainXml = domainDir.resolve("config/domain.xml");
        String xml = Files.readString(domainXml)
                .replaceAll("\\s*<jvm-options>-D" + NAMES + "=[^<]*</jvm-options>", "")
                .replaceAll("\\s*<system-property name=\"" + NAMES + "\"[^>]*?(?:/>|>\\s*</system-property>)", "");
        Matcher server = Pattern.compile("<server [^>]*\\bname=\"server\"[^>]*>").matcher(xml);
        if (!server.find()) {
            throw new IllegalStateException(domainXml + " has no <server name=\"server\">");
        }
        StringBuilder elements = new StringBuilder();
        systemProperties().forEach((name, value) -> elements.append("\n      <system-property name=\"").append(name)
                .append("\" value=\"").append(attribute(value)).append("\"></system-property>"));
        Files.writeString(domainXml, xml.substring(0, server.end()) + elements + xml.substring(server.end()));
    }

    private static String attribute(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Where the server's database is, for people: URL and user, never the password. */
    @Override
    public String toString() {
        return url + (user == null ? "" : " as " + user) + (password == null ? "" : " (password ****)");
    }
}
