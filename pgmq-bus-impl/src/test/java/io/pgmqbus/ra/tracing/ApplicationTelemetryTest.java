// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.pgmqbus.api.BusMessage;
import io.pgmqbus.ra.fake.RecordingSdk;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The application's own SDK, as a server's telemetry gives it to the application (WildFly and
 * Payara: a CDI bean, never registered globally): it records the adapter's spans where the trace
 * goes on, and is asked for once per application.
 */
class ApplicationTelemetryTest {
    private static final SpanContext CALLER = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
            TraceFlags.getSampled(), TraceState.getDefault());

    private final List<SpanData> recorded = new CopyOnWriteArrayList<>();
    private final OpenTelemetry application = RecordingSdk.into(recorded);
    private final AtomicInteger lookups = new AtomicInteger();
    private final OpenTelemetryTracing tracing = new OpenTelemetryTracing(new ApplicationTelemetry(() -> {
        lookups.incrementAndGet();
        return application;
    }));

    @BeforeEach
    @AfterEach
    void noGlobalSdk() {
        GlobalOpenTelemetry.resetForTest();
    }

    @Test
    void aPublishInATracedRequestIsRecordedByTheApplicationsSdk() {
        Map<String, String> headers;
        try (Scope ignored = Span.wrap(CALLER).makeCurrent()) {
            headers = tracing.publish("orders", h -> h);
        }
        SpanData publish = recorded.get(0);
        assertEquals("publish orders", publish.getName());
        assertEquals(CALLER.getTraceId(), publish.getTraceId());
        assertEquals(CALLER.getSpanId(), publish.getParentSpanId(), "a child of the request's span");
        assertEquals("00-" + CALLER.getTraceId() + "-" + publish.getSpanId() + "-01", headers.get("traceparent"));
    }

    @Test
    void aDeliveryOfATracedMessageRunsInAConsumerSpanOfTheApplicationsSdk() throws Throwable {
        String traceparent = "00-" + CALLER.getTraceId() + "-" + CALLER.getSpanId() + "-01";
        SpanContext seen = tracing.process("orders", "billing", List.of(message(Map.of("traceparent", traceparent))),
                () -> Span.current().getSpanContext());
        SpanData process = recorded.get(0);
        assertEquals("process orders", process.getName());
        assertEquals(CALLER.getSpanId(), process.getParentSpanId(), "a child of the publisher's span");
        assertEquals(process.getSpanId(), seen.getSpanId(), "the bean runs inside it");
    }

    @Test
    void whereNothingIsTracedTheApplicationsSdkIsLeftAlone() throws Throwable {
        Map<String, String> headers = tracing.publish("orders", h -> h);
        tracing.process("orders", null, List.of(message(Map.of())), () -> null);
        assertTrue(recorded.isEmpty(), "no span starts a trace of its own");
        assertTrue(headers.isEmpty(), "no header: " + headers);
        assertEquals(0, lookups.get(), "the application is not even asked");
    }

    @Test
    void withoutAnySdkTheCallersTraceIsCarriedOn() throws Throwable {
        OpenTelemetryTracing apiOnly = new OpenTelemetryTracing((ApplicationTelemetry) null);
        Map<String, String> headers;
        try (Scope ignored = Span.wrap(CALLER).makeCurrent()) {
            headers = apiOnly.publish("orders", h -> h);
        }
        assertEquals("00-" + CALLER.getTraceId() + "-" + CALLER.getSpanId() + "-01", headers.get("traceparent"),
                "the caller's span, as no span of the adapter's own is recorded");
        SpanContext seen = apiOnly.process("orders", null, List.of(message(headers)), () -> Span.current().getSpanContext());
        assertEquals(CALLER.getTraceId(), seen.getTraceId(), "the bean runs in the publisher's trace");
        assertEquals(CALLER.getSpanId(), seen.getSpanId());
    }

    @Test
    void eachApplicationIsAskedOnce() throws Exception {
        ApplicationTelemetry applications = new ApplicationTelemetry(() -> {
            lookups.incrementAndGet();
            return application;
        });
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader other = new URLClassLoader(new URL[0], before)) {
            assertEquals(application, applications.current());
            assertEquals(application, applications.current());
            thread.setContextClassLoader(other);
            assertEquals(application, applications.current());
        } finally {
            thread.setContextClassLoader(before);
        }
        assertEquals(2, lookups.get(), "once per class loader");
    }

    @Test
    void anApplicationWithoutTelemetryIsNotAskedAgainAtOnce() {
        ApplicationTelemetry applications = new ApplicationTelemetry(() -> {
            lookups.incrementAndGet();
            throw new IllegalStateException("no CDI container for this class loader");
        });
        assertNull(applications.current());
        assertNull(applications.current());
        assertEquals(1, lookups.get(), "asked again only after " + ApplicationTelemetry.RETRY_SECONDS + " s");
        assertFalse(tracing.publish("orders", h -> h).containsKey("traceparent"));
    }

    private static BusMessage message(Map<String, String> headers) {
        return new BusMessage() {
            public long getId() {
                return 1;
            }

            public String getChannel() {
                return "orders";
            }

            public String getType() {
                return null;
            }

            public String getPayload() {
                return "{}";
            }

            public <T> T payloadAs(Class<T> type) {
                throw new UnsupportedOperationException();
            }

            public Map<String, String> getHeaders() {
                return headers;
            }

            public String getHeader(String name) {
                return headers.get(name);
            }

            public Instant getEnqueuedAt() {
                return Instant.EPOCH;
            }

            public int getDeliveryCount() {
                return 1;
            }
        };
    }
}
