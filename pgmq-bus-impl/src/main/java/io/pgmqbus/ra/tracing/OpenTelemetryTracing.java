// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.tracing;

import io.opentelemetry.api.GlobalOpenTelemetry;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link Tracing} with the OpenTelemetry API, after its messaging conventions: a producer span per
 * publish, a consumer span per delivery ("process"), the context carried in W3C headers. The
 * tracer is asked of {@link GlobalOpenTelemetry} at each use, so an SDK the server installs after
 * the adapter started is used; without one, spans are no-ops and no header is written.
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

    private static Tracer tracer() {
        return GlobalOpenTelemetry.getTracer(INSTRUMENTATION);
    }

    @Override
    public <T> T publish(String channel, Function<Map<String, String>, T> publish) {
        Span span = tracer().spanBuilder("publish " + channel).setSpanKind(SpanKind.PRODUCER)
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
        SpanBuilder builder = tracer().spanBuilder("process " + channel).setSpanKind(SpanKind.CONSUMER)
                .setAttribute(SYSTEM, "pgmq").setAttribute(DESTINATION, channel).setAttribute(OPERATION, "process");
        if (subscription != null) {
            builder.setAttribute(SUBSCRIPTION, subscription);
        }
        Context publisher = null;
        for (BusMessage m : messages) {
            Context extracted = W3CTraceContextPropagator.getInstance().extract(Context.root(), m, HEADERS);
            SpanContext link = Span.fromContext(extracted).getSpanContext();
            if (link.isValid()) {
                builder.addLink(link);
                publisher = extracted;
            }
        }
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
