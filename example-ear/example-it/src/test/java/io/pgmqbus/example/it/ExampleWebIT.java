// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/** The example's REST API as a client sees it. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ExampleWebIT {
    private static final boolean PAYARA = "payara".equals(System.getProperty("arquillian.launch"));
    /** HTTP: WildFly 8080 + offset 300, Payara 8080 + 2000 (see the POM and arquillian.xml). */
    private static final String ORDERS = (PAYARA ? "http://localhost:10080" : "http://localhost:8380") + "/example/api/orders";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Deployments.exampleWithTests();
    }

    /** A body that is not an order in JSON is the client's mistake: 400 saying so, never a 500. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"item\": \"book\", \"quantity\": ", "not json at all", "{\"item\": \"book\", \"quantity\": \"many\"}"})
    void aMalformedOrderIsABadRequestWithAMessage(String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ORDERS)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), () -> body + " -> " + r.statusCode() + " " + r.body());
        assertTrue(r.body().contains("\"error\""), r.body());
    }
}
