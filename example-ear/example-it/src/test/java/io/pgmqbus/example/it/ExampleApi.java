// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The example's REST API ({@code /example/api/}) from the test JVM, on the server of this run, and
 * waits on what it leaves in PostgreSQL (read with plain JDBC, {@link BusDatabase}).
 */
final class ExampleApi {
    static final boolean PAYARA = "payara".equals(System.getProperty("arquillian.launch"));
    /** HTTP: WildFly 8080 + offset 300, Payara 8080 + 2000 (see the POM and arquillian.xml). */
    static final String BASE = (PAYARA ? "http://localhost:10080" : "http://localhost:8380") + "/example/api/";
    static final Duration WAIT = Duration.ofSeconds(30);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private ExampleApi() {
    }

    static HttpResponse<String> post(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Places an order; returns its id. */
    static long place(String item, int quantity) throws Exception {
        HttpResponse<String> r = post("orders", Json.createObjectBuilder().add("item", item).add("quantity", quantity).build().toString());
        assertEquals(201, r.statusCode(), r::body);
        return Json.createReader(new StringReader(r.body())).readObject().getJsonNumber("id").longValue();
    }

    /** {@code GET receipts}: what the beans received, as listed. */
    static List<JsonObject> receipts() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "receipts")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        return Json.createReader(new StringReader(r.body())).readArray().getValuesAs(JsonObject.class);
    }

    /** The listed receipts of order {@code orderId}, as "bean|deliveryCount", in the listed order. */
    static List<String> receiptsOf(String orderId) throws Exception {
        return receipts().stream().filter(o -> orderId.equals(o.getString("orderId", null)))
                .map(o -> o.getString("bean") + "|" + o.getInt("deliveryCount")).toList();
    }

    /** The first column of {@code sql}'s rows once there are at least {@code count}, or what there is after {@link #WAIT}. */
    static List<String> awaitRows(int count, String sql, String... parameters) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> rows = BusDatabase.column(sql, parameters);
        while (rows.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
            rows = BusDatabase.column(sql, parameters);
        }
        return rows;
    }
}
