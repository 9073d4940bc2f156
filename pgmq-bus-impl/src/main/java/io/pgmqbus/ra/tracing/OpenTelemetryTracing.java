// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.tracing;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.pgmqbus.api.BusMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link Tracing} with the OpenTelemetry API, after its messaging conventions: a producer span per
 * publish, a consumer span per delivery ("process"), the context carried in W3C headers.
 * <p>
 * Which SDK records the spans: where the trace goes on (the publisher runs inside a span, as in a
 * request the server traces; the delivered messages carry a trace), the SDK of the application on
 * the thread, as the server's telemetry gives it to that application ({@link ApplicationTelemetry});
 * otherwise, or without one, the SDK registered with {@link GlobalOpenTelemetry} (the OpenTelemetry
 * Java agent's), asked at each use. Without any, the API's no-op spans carry the caller's or the
 * publisher's span context on: the header names the caller's span, and the bean runs with the
 * publisher's span current; where nothing is traced, no header is written.
 */
final class OpenTelemetryTracing implements Tracing {
    private static final String INSTRUMENTATION = "io.pgmqbus";
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> SUBSCRIPTION = AttributeKey.stringKey("messaging.destination.subscription.name");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");

    /** A message's headers as text (getHeaders() gives JSON text: quoted strings). */
    private static final TextMapGetter<BusMessage> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(BusMessage carrier) {
            return carrier.getHeaders().keySet();
        }

        @Override
        public String get(BusMessage carrier, String key) {
            return carrier == null ? null : carrier.getHeader(key);
        }
    };

    private final ApplicationTelemetry applications;

    /** @param cdi whether the CDI API is there, through which the applications' own SDKs are found */
    OpenTelemetryTracing(boolean cdi) {
        this(cdi ? new ApplicationTelemetry(CdiTelemetry::lookup) : null);
    }

    /** @param applications the applications' own SDKs, or null where the adapter cannot reach them */
    OpenTelemetryTracing(ApplicationTelemetry applications) {
        this.applications = applications;
    }

    /** The application's SDK if {@code traceGoesOn} and it has one, else the global one. */
    private Tracer tracer(boolean traceGoesOn) {
        OpenTelemetry application = traceGoesOn && applications != null ? applications.current() : null;
        return (application != null ? application : GlobalOpenTelemetry.get()).getTracer(INSTRUMENTATION);
    }

    @Override
    public <T> T publish(String channel, Function<Map<String, String>, T> publish) {
        Span span = tracer(Span.current().getSpanContext().isValid()).spanBuilder("publish " + channel).setSpanKind(SpanKind.PRODUCER)
                .setAttribute(SYSTEM, "pgmq").setAttribute(DESTINATION, channel).setAttribute(OPERATION, "publish")
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            Map<String, String> headers = new LinkedHashMap<>();
            W3CTraceContextPropagator.getInstance().inject(Context.current(), headers, Map::put);
            return publish.apply(headers);
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
    }

    @Override
    public <T> T process(String channel, String subscription, List<? extends BusMessage> messages, Delivery<T> delivery)
            throws Throwable {
        Context publisher = null;
        List<SpanContext> links = new ArrayList<>();
        for (BusMessage m : messages) {
            Context extracted = W3CTraceContextPropagator.getInstance().extract(Context.root(), m, HEADERS);
            SpanContext link = Span.fromContext(extracted).getSpanContext();
            if (link.isValid()) {
                links.add(link);
                publisher = extracted;
            }
        }
        SpanBuilder builder = tracer(publisher != null).spanBuilder("process " + channel).setSpanKind(SpanKind.CONSUMER)
                .setAttribute(SYSTEM, "pgmq").setAttribute(DESTINATION, channel).setAttribute(OPERATION, "process");
        if (subscription != null) {
            builder.setAttribute(SUBSCRIPTION, subscription);
        }
        links.forEach(builder::addLink);
        if (messages.size() == 1) {
            builder.setAttribute(MESSAGE_ID, String.valueOf(messages.get(0).getId()));
        } else {
            builder.setAttribute(BATCH_COUNT, (long) messages.size());
        }
        // one message: a child of its publisher, so the trace reads on; a batch: links only
        builder.setParent(messages.size() == 1 && publisher != null ? publisher : Context.root());
        Span span = builder.startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return delivery.run();
        } catch (Throwable t) {
            span.recordException(t);
            span.setStatus(StatusCode.ERROR);
            throw t;
        } finally {
            span.end();
        }
    }
}
