// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import java.lang.reflect.Method;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * Records the span the bean runs in: its ids, whether it is recorded (a real SDK's span, not a
 * context carried on by no-op spans), its parent's span id, and the message's traceparent header.
 */
@MessageDriven(activationConfig = @ActivationConfigProperty(propertyName = "channel", propertyValue = TracedListener.CHANNEL))
@ResourceAdapter("#pgmq-bus-ra.rar")
public class TracedListener implements BusMessageListener {
    public static final String CHANNEL = "traced";

    @EJB
    private TraceRecords records;

    @Override
    public void onMessage(BusMessage message) {
        Span span = Span.current();
        SpanContext context = span.getSpanContext();
        records.put(message.payloadAs(String.class), "traceparent=" + message.getHeader("traceparent")
                + "\ntraceId=" + context.getTraceId() + "\nspanId=" + context.getSpanId()
                + "\nrecording=" + span.isRecording() + "\nparentSpanId=" + parentSpanId(span));
    }

    /**
     * The span's parent as the SDK knows it (its {@code ReadableSpan}; the API does not tell), or
     * "unknown" for a span of no SDK.
     */
    private static String parentSpanId(Span span) {
        for (Class<?> type = span.getClass(); type != null; type = type.getSuperclass()) {
            for (Class<?> contract : type.getInterfaces()) {
                try {
                    Method parent = contract.getMethod("getParentSpanContext");
                    return ((SpanContext) parent.invoke(span)).getSpanId();
                } catch (NoSuchMethodException e) {
                    // not this one
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return "unreadable: " + e;
                }
            }
        }
        return "unknown";
    }
}
