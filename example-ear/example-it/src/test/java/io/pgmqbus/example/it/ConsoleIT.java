// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmqbus.example.it.console.ReplayableListener;
import io.pgmqbus.testdb.TestDatabase;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.htmlunit.BrowserVersion;
import org.htmlunit.DefaultCredentialsProvider;
import org.htmlunit.WebClient;
import org.htmlunit.html.DomNode;
import org.htmlunit.html.HtmlButton;
import org.htmlunit.html.HtmlPage;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console of the example EAR ({@code /pgmq-bus}), from outside as an operator reaches it: its
 * REST API over HTTP with BASIC authentication (user {@link ConsoleOperator#USER}, which the suite
 * gives each server), its page in HtmlUnit with JavaScript, and the readiness check on the server's
 * health endpoint. Dead letters come from {@link ReplayableListener}, which refuses a message until
 * it is replayed; messages are sent into its queue with plain {@code pgmq.send}, and what it took is
 * read from the example's {@code /example/api/receipts}. The test that crashes the database runs
 * last, and waits until the console is ready again.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final boolean PAYARA = "payara".equals(System.getProperty("arquillian.launch"));
    /** HTTP: WildFly 8080 + offset 300, Payara 8080 + 2000 (see the POM and arquillian.xml). */
    private static final String BASE = PAYARA ? "http://localhost:10080" : "http://localhost:8380";
    /** MicroProfile Health: WildFly on its management port (9990 + 300), Payara on the HTTP port. */
    private static final String READY = PAYARA ? "http://localhost:10080/health/ready" : "http://localhost:10290/health/ready";
    private static final String CONSOLE = BASE + "/pgmq-bus/";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Deployments.exampleWithBeans(ReplayableListener.class.getPackage());
    }

    private static String marker() {
        return UUID.randomUUID().toString();
    }

    private HttpResponse<String> send(HttpRequest.Builder request, boolean authenticated) throws Exception {
        if (authenticated) {
            String credentials = ConsoleOperator.USER + ":" + ConsoleOperator.PASSWORD;
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json"), true);
    }

    private HttpResponse<String> post(String api, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(CONSOLE + "api/" + api)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), true);
    }

    private JsonArray array(String url) throws Exception {
        HttpResponse<String> response = get(url);
        assertEquals(200, response.statusCode(), () -> url + ": " + response.body());
        return Json.createReader(new StringReader(response.body())).readArray();
    }

    private static JsonObject object(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private static <T> T await(String what, Supplier<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            T found = probe.get();
            if (found != null) {
                return found;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
    }

    private interface Probe<T> {
        T get() throws Exception;
    }

    private static <T> Supplier<T> unchecked(Probe<T> probe) {
        return () -> {
            try {
                return probe.get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** The console's row of {@code channel}'s durable {@code subscription}, once registered. */
    private JsonObject subscription(String channel, String subscription) throws Exception {
        return await("subscription " + channel + "/" + subscription + " listed", unchecked(() -> array(CONSOLE + "api/subscriptions")
                .getValuesAs(JsonObject.class).stream()
                .filter(s -> s.getString("channel").equals(channel) && subscription.equals(s.getString("subscription", null)))
                .findFirst().orElse(null)));
    }

    /** Sends {@code payload} straight into the test bean's queue (a plain PGMQ send). */
    private void sendToReplayable(String payload) throws Exception {
        String queue = subscription(ReplayableListener.CHANNEL, ReplayableListener.SUBSCRIPTION).getString("queue");
        try (Connection c = BusDatabase.connect(); PreparedStatement ps = c.prepareStatement("SELECT pgmq.send(?, ?::jsonb)")) {
            ps.setString(1, queue);
            ps.setString(2, payload);
            ps.executeQuery().close();
        }
    }

    private JsonObject deadLetter(String marker) throws Exception {
        return array(CONSOLE + "api/dead-letters?channel=" + ReplayableListener.CHANNEL + "&subscription="
                + ReplayableListener.SUBSCRIPTION).getValuesAs(JsonObject.class).stream()
                .filter(d -> d.getString("payload", "").contains(marker)).findFirst().orElse(null);
    }

    private JsonObject awaitDeadLetter(String marker) throws InterruptedException {
        return await("dead letter " + marker + " listed", unchecked(() -> deadLetter(marker)));
    }

    private boolean received(String marker) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(BASE + "/example/api/receipts")), false);
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readArray().getValuesAs(JsonObject.class).stream()
                .anyMatch(r -> r.getString("bean").equals(ReplayableListener.BEAN) && r.getString("payload").contains(marker));
    }

    private static String one(JsonObject deadLetter) {
        return Json.createObjectBuilder().add("deadLetterQueue", deadLetter.getString("deadLetterQueue"))
                .add("id", deadLetter.getJsonNumber("id").longValue()).build().toString();
    }

    @Test
    void withoutCredentialsThePageAndTheApiAnswer401() throws Exception {
        for (String url : List.of(CONSOLE, CONSOLE + "api/subscriptions")) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)), false);
            assertEquals(401, response.statusCode(), url);
            assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").toLowerCase().startsWith("basic"),
                    () -> url + " asks for BASIC: " + response.headers().map());
        }
        HttpResponse<String> wrong = send(HttpRequest.newBuilder(URI.create(CONSOLE + "api/subscriptions"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("operator:wrong".getBytes(StandardCharsets.UTF_8))), false);
        assertEquals(401, wrong.statusCode());
    }

    @Test
    void theSubscriptionsListShowsBillingWithItsNumbersAndThisNodesReader() throws Exception {
        JsonObject billing = subscription("orders", "billing");
        assertEquals("durable", billing.getString("kind"));
        assertFalse(billing.getString("queue").isEmpty());
        for (String number : List.of("depth", "inFlight", "deadLetters")) {
            assertEquals(JsonValue.ValueType.NUMBER, billing.get(number).getValueType(), () -> number + " in " + billing);
        }
        assertTrue(billing.containsKey("oldestAgeSeconds"), billing::toString);
        assertFalse(billing.getString("node").isEmpty(), billing::toString);
        assertNotNull(billing.getString("lastSeen"), billing::toString);
        assertFalse(billing.getBoolean("paused"), billing::toString);
        assertFalse(billing.getString("readerState").isEmpty(), billing::toString);
        assertEquals("orders", billing.getJsonArray("activations").getJsonObject(0).getString("channel"));
    }

    @Test
    void aDeadLetterIsListedWithItsErrorThenReplayedAndDeliveredOrPurged() throws Exception {
        String replayed = marker();
        String purged = marker();
        sendToReplayable("{\"refuse\": \"" + replayed + "\"}");
        sendToReplayable("{\"refuse\": \"" + purged + "\"}");
        JsonObject first = awaitDeadLetter(replayed);
        assertTrue(first.getString("error").contains(ReplayableListener.REFUSAL), first::toString);
        assertEquals(ReplayableListener.CHANNEL, first.getString("channel"));
        JsonObject second = awaitDeadLetter(purged);

        HttpResponse<String> replay = post("dead-letters/replay", one(first));
        assertEquals(200, replay.statusCode(), replay.body());
        assertEquals(1, object(replay).getInt("replayed"));
        await("the replayed message delivered", unchecked(() -> received(replayed) ? true : null));
        assertEquals(null, deadLetter(replayed), "no longer a dead letter");
        assertEquals(404, post("dead-letters/replay", one(first)).statusCode(), "replayed once only");

        HttpResponse<String> purge = post("dead-letters/purge", one(second));
        assertEquals(200, purge.statusCode(), purge.body());
        assertEquals(1, object(purge).getInt("purged"));
        assertEquals(null, deadLetter(purged), "purged");
        assertFalse(received(purged), "a purged dead letter is not delivered");
    }

    @Test
    void deadLettersAreReplayedByTheirErrorAndPurgedByAge() throws Exception {
        String filter = Json.createObjectBuilder().add("channel", ReplayableListener.CHANNEL)
                .add("subscription", ReplayableListener.SUBSCRIPTION).build().toString();
        String replayed = marker();
        sendToReplayable("{\"refuse\": \"" + replayed + "\"}");
        awaitDeadLetter(replayed);
        HttpResponse<String> replay = post("dead-letters/replay", filter.replace("}",
                ", \"errorLike\": \"%" + ReplayableListener.REFUSAL + "%\"}"));
        assertEquals(200, replay.statusCode(), replay.body());
        assertTrue(object(replay).getInt("replayed") >= 1, replay.body());
        await("the replayed message delivered", unchecked(() -> received(replayed) ? true : null));

        String purged = marker();
        sendToReplayable("{\"refuse\": \"" + purged + "\"}");
        awaitDeadLetter(purged);
        HttpResponse<String> purge = post("dead-letters/purge", filter.replace("}", ", \"olderThanSeconds\": 0}"));
        assertEquals(200, purge.statusCode(), purge.body());
        assertTrue(object(purge).getInt("purged") >= 1, purge.body());
        assertEquals(null, deadLetter(purged), "purged");
    }

    @Test
    void anActivationIsPausedAndResumedByItsJmxName() throws Exception {
        subscription(ReplayableListener.CHANNEL, ReplayableListener.SUBSCRIPTION);
        String name = array(CONSOLE + "api/activations").getValuesAs(JsonObject.class).stream()
                .filter(a -> a.getString("channel").equals(ReplayableListener.CHANNEL)).findFirst()
                .orElseThrow(() -> new AssertionError("no activation of " + ReplayableListener.CHANNEL)).getString("name");
        String target = Json.createObjectBuilder().add("name", name).build().toString();
        try {
            HttpResponse<String> pause = post("activations/pause", target);
            assertEquals(200, pause.statusCode(), pause.body());
            assertEquals(name, Json.createReader(new StringReader(pause.body())).readArray().getString(0));
            assertTrue(subscription(ReplayableListener.CHANNEL, ReplayableListener.SUBSCRIPTION).getBoolean("paused"));
        } finally {
            assertEquals(200, post("activations/resume", target).statusCode());
        }
        assertFalse(subscription(ReplayableListener.CHANNEL, ReplayableListener.SUBSCRIPTION).getBoolean("paused"));
    }

    @Test
    void badInputIsAnswered400WithAMessage() throws Exception {
        for (String[] call : new String[][] {
                {"dead-letters/replay", "{\"deadLetterQueue\": \"q\"}"},
                {"dead-letters/replay", "{\"deadLetterQueue\": \"q\", \"id\": \"seven\"}"},
                {"dead-letters/purge", "{}"},
                {"dead-letters/purge", "{\"olderThanSeconds\": -1}"},
                {"activations/pause", "{}"},
                {"activations/pause", "{\"name\": \"not a JMX name\"}"},
                {"activations/resume", "{\"name\": \"java.lang:type=Memory\"}"}}) {
            HttpResponse<String> response = post(call[0], call[1]);
            assertEquals(400, response.statusCode(), () -> call[0] + " " + call[1] + ": " + response.body());
            assertFalse(object(response).getString("error").isBlank(), response::body);
        }
        assertEquals(404, post("activations/pause", "{\"channel\": \"no.such.channel\"}").statusCode());
    }

    @Test
    void pausingThroughTheApiStopsDeliveryAndResumingDeliversTheBacklog() throws Exception {
        String target = Json.createObjectBuilder().add("channel", ReplayableListener.CHANNEL)
                .add("subscription", ReplayableListener.SUBSCRIPTION).build().toString();
        subscription(ReplayableListener.CHANNEL, ReplayableListener.SUBSCRIPTION);
        String m = marker();
        HttpResponse<String> pause = post("activations/pause", target);
        try {
            assertEquals(200, pause.statusCode(), pause.body());
            assertEquals(1, Json.createReader(new StringReader(pause.body())).readArray().size(), pause.body());
            JsonObject paused = subscription(ReplayableListener.CHANNEL, ReplayableListener.SUBSCRIPTION);
            assertTrue(paused.getBoolean("paused"), paused::toString);
            await("reader PAUSED", unchecked(() -> "PAUSED".equals(subscription(ReplayableListener.CHANNEL,
                    ReplayableListener.SUBSCRIPTION).getString("readerState")) ? true : null));
            sendToReplayable("{\"take\": \"" + m + "\"}");
            await("the backlog in the queue", unchecked(() -> subscription(ReplayableListener.CHANNEL,
                    ReplayableListener.SUBSCRIPTION).getJsonNumber("depth").longValue() >= 1 ? true : null));
            Thread.sleep(2000);
            assertFalse(received(m), "nothing delivered while paused");
        } finally {
            HttpResponse<String> resume = post("activations/resume", target);
            assertEquals(200, resume.statusCode(), resume.body());
        }
        assertFalse(subscription(ReplayableListener.CHANNEL, ReplayableListener.SUBSCRIPTION).getBoolean("paused"));
        await("the backlog delivered after resume", unchecked(() -> received(m) ? true : null));
    }

    @Test
    void theReadinessCheckIsUpWithTheDatabaseUp() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(READY)).header("Accept", "application/json"), false);
        assertEquals(200, response.statusCode(), response.body());
        JsonObject check = object(response).getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("pgmq-bus")).findFirst()
                .orElseThrow(() -> new AssertionError("no check pgmq-bus: " + response.body()));
        assertEquals("UP", check.getString("status"), check::toString);
        JsonObject data = check.getJsonObject("data");
        assertTrue(data.containsKey("deadLetters"), data::toString);
        assertTrue(data.keySet().stream().anyMatch(k -> k.startsWith("orders/billing ")), () -> "names each activation: " + data);
    }

    /**
     * Last of the class: crashes the suite's embedded database, sees the readiness check DOWN
     * (503) naming the database and the API answer 503, restarts it and waits until both are back.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void withTheDatabaseDownTheReadinessCheckIsDownAndTheApiAnswers503() throws Exception {
        TestDatabase database = TestDatabase.get();
        assumeTrue(database.crashable(), "only the embedded database can be crashed (PGMQ_BUS_JDBC_URL is set)");
        database.crash();
        try {
            HttpResponse<String> down = await("readiness DOWN", unchecked(() -> {
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(READY)), false);
                return r.statusCode() == 503 ? r : null;
            }));
            JsonObject check = object(down).getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                    .filter(c -> c.getString("name").equals("pgmq-bus")).findFirst().orElseThrow();
            assertEquals("DOWN", check.getString("status"));
            assertTrue(check.getJsonObject("data").containsKey("database"), check::toString);
            HttpResponse<String> api = get(CONSOLE + "api/subscriptions");
            assertEquals(503, api.statusCode(), api.body());
            assertFalse(object(api).getString("error").isBlank());
        } finally {
            database.restart();
        }
        await("readiness UP again", unchecked(() -> send(HttpRequest.newBuilder(URI.create(READY)), false).statusCode() == 200 ? true : null));
        await("the API answers again", unchecked(() -> get(CONSOLE + "api/subscriptions").statusCode() == 200 ? true : null));
    }

    @Test
    void thePageShowsBillingAndADeadLettersErrorAndReplayRemovesIt() throws Exception {
        String m = marker();
        sendToReplayable("{\"refuse\": \"" + m + "\"}");
        awaitDeadLetter(m);
        try (WebClient browser = new WebClient(BrowserVersion.BEST_SUPPORTED)) {
            browser.getOptions().setJavaScriptEnabled(true);
            browser.getOptions().setThrowExceptionOnScriptError(true);
            ((DefaultCredentialsProvider) browser.getCredentialsProvider())
                    .addCredentials(ConsoleOperator.USER, ConsoleOperator.PASSWORD.toCharArray());
            HtmlPage page = browser.getPage(CONSOLE);
            await("billing in the subscriptions table", () -> rows(page, "#subscriptions").stream()
                    .filter(r -> r.asNormalizedText().contains("billing")).findFirst().orElse(null));
            DomNode row = await("the dead letter in its table", () -> rows(page, "#dead-letters").stream()
                    .filter(r -> r.asNormalizedText().contains(m)).findFirst().orElse(null));
            assertTrue(row.asNormalizedText().contains(ReplayableListener.REFUSAL), row::asNormalizedText);
            HtmlButton replay = row.querySelector("button.replay");
            replay.click();
            await("the dead letter gone from the page", () -> rows(page, "#dead-letters").stream()
                    .noneMatch(r -> r.asNormalizedText().contains(m)) ? true : null);
        }
        await("the replayed message delivered", unchecked(() -> received(m) ? true : null));
    }

    private static List<DomNode> rows(HtmlPage page, String table) {
        synchronized (page) {
            return List.copyOf(page.querySelectorAll(table + " tbody tr"));
        }
    }
}
