// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.example.it.beans.FlakyListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The adapter's numbers in WildFly's management model (IronJacamar's statistics SPI on the adapter
 * instance), as an operator reaches them from outside: WildFly only (the Payara execution leaves
 * this class out; the plugin itself is StatisticsPluginTest).
 *
 * <p>What WildFly 39.0.1 does with them for an adapter deployed in an archive (the example EAR's):
 * it takes the adapter for the SPI and registers the plugin's names under the adapter's deployment
 * resource, with the {@code clear-statistics} operation; but it creates no resource there to read
 * them from (IronJacamarActivationResourceService registers the definition; IronJacamarResourceCreator
 * only adds {@code statistics=local}), so {@code read-resource} answers "not found" and
 * {@code /metrics} shows none of them. README "Operating" says so; the second test keeps that
 * statement true, and fails when a WildFly makes them readable. (An adapter activated in the
 * resource-adapters subsystem does show them, README "Operating": checked by hand, not here.)
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WildFlyStatisticsIT {
    /** Where WildFly registers the statistics of the example EAR's adapter, as README "Operating" gives it. */
    static final String[] STATISTICS = {
        "deployment", Deployments.EXAMPLE_EAR,
        "subdeployment", Deployments.RAR,
        "subsystem", "resource-adapters",
        "ironjacamar", "ironjacamar",
        "resource-adapter", Deployments.EXAMPLE_EAR + "#" + Deployments.RAR,
        "statistics", "extended"};

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Deployments.exampleWithBeans(FlakyListener.class.getPackage());
    }

    @ArquillianResource
    private ManagementClient management;

    private static ModelNode address(String... pairs) {
        ModelNode address = new ModelNode().setEmptyList();
        for (int i = 0; i < pairs.length; i += 2) {
            address.add(pairs[i], pairs[i + 1]);
        }
        return address;
    }

    /**
     * WildFly offers {@code clear-statistics} on the adapter's statistics only when the adapter
     * instance is an {@code org.jboss.jca.core.spi.statistics.Statistics} of the server's own SPI
     * module: the RAR carries that jar too (for Payara), and WildFly's copy must be the one the
     * adapter class implements.
     */
    @Test
    void wildFlyTakesTheAdapterForItsStatisticsSpi() throws Exception {
        ModelNode result = management.getControllerClient().execute(
                Operations.createOperation("read-operation-names", address(STATISTICS)));
        assertTrue(Operations.isSuccessfulOutcome(result), result.toString());
        List<String> operations = Operations.readResult(result).asList().stream().map(ModelNode::asString).toList();
        assertTrue(operations.contains("clear-statistics"), "the adapter's statistics plugin is registered: " + operations);
    }

    /** The statement of README "Operating": WildFly 39 gives no way to read them for an adapter in an archive. */
    @Test
    void wildFly39HasNoResourceToReadAnArchiveDeployedAdaptersStatisticsFrom() throws Exception {
        ModelNode read = Operations.createReadResourceOperation(address(STATISTICS));
        read.get("include-runtime").set(true);
        ModelNode result = management.getControllerClient().execute(read);
        assertFalse(Operations.isSuccessfulOutcome(result), "WildFly now shows the adapter's statistics: update README"
                + " \"Operating\" and this test: " + result);
        assertTrue(Operations.getFailureDescription(result).asString().contains("WFLYCTL0216"), "not found: " + result);

        URI uri = URI.create("http://" + management.getMgmtAddress() + ":" + management.getMgmtPort() + "/metrics");
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode(), uri + ": " + metrics.body());
        assertTrue(metrics.body().contains("deployment=\"" + Deployments.EXAMPLE_EAR + "\""), "the deployment's own metrics are there");
        List<String> adapter = metrics.body().lines().filter(l -> l.contains("statistics=\"extended\"")).toList();
        assertEquals(List.of(), adapter, "WildFly now exports the adapter's statistics: update README \"Operating\" and this test");
    }
}
