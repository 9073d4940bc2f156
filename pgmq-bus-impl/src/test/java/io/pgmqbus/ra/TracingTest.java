// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.DeadLetter;
import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.ra.fake.RecordingEndpointFactory;
import io.pgmqbus.ra.fake.RecordingSdk;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tracing with an OpenTelemetry SDK installed globally, as a server's telemetry does: publish
 * carries the trace in W3C headers, the bean runs inside a consumer span linked to the publisher.
 */
class TracingTest extends AdapterTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<SpanData> exported = new CopyOnWriteArrayList<>();

    /** Installs an SDK that keeps every finished span, and restarts the adapter so that it sees the API. */
    private void installSdk() throws Exception {
        GlobalOpenTelemetry.resetForTest();
        GlobalOpenTelemetry.set(RecordingSdk.into(exported));
    }

    @AfterEach
    void resetGlobal() {
        GlobalOpenTelemetry.resetForTest();
    }

    private SpanData span(String name) throws Exception {
        return Await.until(WAIT, "span " + name, () -> exported.stream().filter(s -> s.getName().equals(name)).findFirst().orElse(null),
                s -> s != null);
    }

    @Test
    void aDeliveryRunsInAConsumerSpanLinkedToThePublishersTrace() throws Exception {
        installSdk();
        String channel = channel("traced");
        List<SpanContext> seenByBean = new CopyOnWriteArrayList<>();
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> s.setSubscription("billing")), false,
                (m, d) -> seenByBean.add(Span.current().getSpanContext()));
        Span request = GlobalOpenTelemetry.getTracer("test").spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER).startSpan();
        try (Scope ignored = request.makeCurrent(); BusConnection c = bus.factory.getConnection()) {
            c.publish(channel, "{\"order\": 1}");
        } finally {
            request.end();
        }
        BusMessage got = Await.until(WAIT, "the delivery", () -> mdb.received.isEmpty() ? null : mdb.received.get(0), m -> m != null);
        String traceId = request.getSpanContext().getTraceId();
        String traceparent = got.getHeader("traceparent");
        assertNotNull(traceparent, "the message carries its trace: " + got.getHeaders());
        assertTrue(traceparent.contains(traceId), traceparent);

        SpanData publish = span("publish " + channel);
        assertEquals(SpanKind.PRODUCER, publish.getKind());
        assertEquals(request.getSpanContext().getSpanId(), publish.getParentSpanId(), "a child of the caller's span");
        assertEquals(channel, publish.getAttributes().get(AttributeKey.stringKey("messaging.destination.name")));

        SpanData process = span("process " + channel);
        assertEquals(SpanKind.CONSUMER, process.getKind());
        assertEquals(traceId, process.getTraceId(), "the delivery continues the publisher's trace");
        assertEquals(publish.getSpanId(), process.getParentSpanId());
        assertTrue(process.getLinks().stream().anyMatch(l -> l.getSpanContext().getSpanId().equals(publish.getSpanId())),
                "linked to the publish");
        assertEquals("billing", process.getAttributes().get(AttributeKey.stringKey("messaging.destination.subscription.name")));
        assertEquals(String.valueOf(got.getId()), process.getAttributes().get(AttributeKey.stringKey("messaging.message.id")));
        assertEquals(process.getSpanId(), seenByBean.get(0).getSpanId(), "the bean runs inside the consumer span");
    }

    @Test
    void aFailedDeliveryIsAnErrorSpanAndTheDeadLetterKeepsTheTrace() throws Exception {
        installSdk();
        String channel = channel("traced_fail");
        bus.activate(bus.spec(channel, s -> {
            s.setSubscription("billing");
            s.setMaxDeliveries(1);
        }), false, (m, d) -> {
            throw new IllegalStateException("declined");
        });
        try (BusConnection c = bus.factory.getConnection()) {
            c.publish(channel, "{\"order\": 2}");
            SpanData process = span("process " + channel);
            assertEquals(StatusCode.ERROR, process.getStatus().getStatusCode());
            assertTrue(process.getEvents().stream().anyMatch(e -> e.getName().equals("exception")), "the exception is recorded");
            DeadLetter dead = Await.until(WAIT, "the dead letter", () -> c.operations().deadLetters(channel, "billing"),
                    l -> l.size() == 1).get(0);
            assertTrue(dead.headers().contains(process.getTraceId()), "the dead letter keeps the trace: " + dead.headers());
        }
    }

    @Test
    void withoutAnSdkNothingIsAdded() throws Exception {
        GlobalOpenTelemetry.resetForTest(); // the API alone, as on a server without telemetry: no-op spans
        String channel = channel("untraced");
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> { }), false, (m, d) -> { });
        try (BusConnection c = bus.factory.getConnection()) {
            c.publish(channel, "{\"order\": 3}");
        }
        BusMessage got = Await.until(WAIT, "the delivery", () -> mdb.received.isEmpty() ? null : mdb.received.get(0), m -> m != null);
        assertNull(got.getHeader("traceparent"), "no trace header: " + got.getHeaders());
        assertFalse(got.getHeaders().containsKey("tracestate"));
    }
}
