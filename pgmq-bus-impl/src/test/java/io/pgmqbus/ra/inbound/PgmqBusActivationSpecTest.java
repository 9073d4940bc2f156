// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.resource.spi.InvalidPropertyException;
import java.beans.PropertyDescriptor;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PgmqBusActivationSpecTest {

    @Test
    void aChannelAloneIsValidWithDocumentedDefaults() throws InvalidPropertyException {
        PgmqBusActivationSpec spec = new PgmqBusActivationSpec();
        spec.setChannel("orders");
        spec.validate();
        assertEquals(30, spec.getVisibilityTimeout());
        assertEquals(10, spec.getBatchSize());
        assertEquals(100, spec.getPollIntervalMs());
        assertEquals(5, spec.getMaxPollSeconds());
        assertEquals(Set.of(), spec.messageTypeSet());
    }

    @Test
    void everyBadPropertyIsNamedAtOnce() {
        PgmqBusActivationSpec spec = new PgmqBusActivationSpec();
        spec.setBatchSize(-1);
        spec.setMaxSessions(0);
        spec.setRetryBackoffMultiplier(0.5);
        spec.setSubscription("");
        InvalidPropertyException e = assertThrows(InvalidPropertyException.class, spec::validate);
        List<String> named = Arrays.stream(e.getInvalidPropertyDescriptors()).map(PropertyDescriptor::getName).toList();
        assertEquals(List.of("channel", "subscription", "batchSize", "maxSessions", "retryBackoffMultiplier"), named);
        for (String property : named) {
            assertTrue(e.getMessage().contains(property), e.getMessage());
        }
        assertTrue(e.getMessage().contains("batchSize must be a positive number, was -1"), e.getMessage());
    }

    @Test
    void channelNamesThatCanNeverWorkAreRejected() {
        PgmqBusActivationSpec spec = new PgmqBusActivationSpec();
        spec.setChannel("x".repeat(1001));
        spec.setDeadLetterChannel("a\0b");
        InvalidPropertyException e = assertThrows(InvalidPropertyException.class, spec::validate);
        assertEquals(2, e.getInvalidPropertyDescriptors().length, e.getMessage());
    }

    @Test
    void backoffGrowsByTheMultiplierUpToTheMaximum() {
        PgmqBusActivationSpec spec = new PgmqBusActivationSpec();
        spec.setRetryBackoffSeconds(2);
        spec.setRetryBackoffMultiplier(3.0);
        spec.setRetryBackoffMaxSeconds(40);
        assertEquals(List.of(2, 6, 18, 40, 40),
                List.of(spec.backoffSeconds(1), spec.backoffSeconds(2), spec.backoffSeconds(3), spec.backoffSeconds(4),
                        spec.backoffSeconds(50)));
    }

    @Test
    void messageTypesAreACommaSeparatedSet() {
        PgmqBusActivationSpec spec = new PgmqBusActivationSpec();
        spec.setMessageTypes(" order.created, order.paid ,,");
        assertEquals(Set.of("order.created", "order.paid"), spec.messageTypeSet());
    }
}
