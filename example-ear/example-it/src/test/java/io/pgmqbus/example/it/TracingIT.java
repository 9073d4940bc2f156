// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.pgmqbus.example.it.tracing.TracedListener;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tracing with the server's own telemetry, which the build turns on (WildFly: the
 * {@code opentelemetry} subsystem; Payara: {@code -Dotel.sdk.disabled=false}), both exporting
 * nowhere. A REST request the server traces publishes; the message carries the request's trace, and
 * the bean runs inside a recorded consumer span of that trace whose parent is the publish's span.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TracingIT {
    private static final boolean PAYARA = "payara".equals(System.getProperty("arquillian.launch"));
    /** HTTP: WildFly 8080 + offset 300, Payara 8080 + 2000 (see the POM and arquillian.xml). */
    private static final String TRACED = (PAYARA ? "http://localhost:10080" : "http://localhost:8380") + "/tracing/api/traced/";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Deployments.exampleWithTracing();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Properties lines(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    @Test
    void aDeliveryRunsInAConsumerSpanOfThePublishingRequestsTrace() throws Exception {
        String marker = UUID.randomUUID().toString();
        HttpResponse<String> published = send(HttpRequest.newBuilder(URI.create(TRACED + marker))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, published.statusCode(), published::body);
        Properties request = lines(published.body());
        assertEquals("true", request.getProperty("valid"), "the server traces the request: " + published.body());

        long deadline = System.nanoTime() + WAIT.toNanos();
        HttpResponse<String> seen = send(HttpRequest.newBuilder(URI.create(TRACED + marker)).GET());
        while (seen.statusCode() == 404 && System.nanoTime() < deadline) {
            Thread.sleep(200); // polling the listener's record; bounded by WAIT
            seen = send(HttpRequest.newBuilder(URI.create(TRACED + marker)).GET());
        }
        if (seen.statusCode() != 200) {
            fail(TracedListener.class.getSimpleName() + " did not get the message within " + WAIT + ": " + seen.statusCode());
        }
        Properties bean = lines(seen.body());
        String[] traceparent = bean.getProperty("traceparent").split("-");
        String traceId = request.getProperty("traceId");
        String context = "request " + published.body() + "\nbean " + seen.body();
        assertAll(context,
                () -> assertEquals(4, traceparent.length, "a W3C traceparent header"),
                () -> assertEquals(traceId, traceparent[1], "the message carries the request's trace"),
                () -> assertNotEquals(request.getProperty("spanId"), traceparent[2],
                        "the header names the publish's own span, recorded by the server's SDK"),
                () -> assertEquals(traceId, bean.getProperty("traceId"), "the bean runs in that trace"),
                () -> assertEquals("true", bean.getProperty("recording"), "inside a span the server's SDK records"),
                () -> assertNotEquals(traceparent[2], bean.getProperty("spanId"), "a consumer span of its own"),
                () -> assertEquals(traceparent[2], bean.getProperty("parentSpanId"), "a child of the publish's span"));
    }
}
