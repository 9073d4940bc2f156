// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.tracing;

import io.pgmqbus.api.BusMessage;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Distributed tracing of publishes and deliveries, with OpenTelemetry when the server offers its API
 * to the adapter (WildFly's opentelemetry subsystem, Payara's telemetry), and nothing at all
 * otherwise: the API is never bundled, and without it no header is added and no span made.
 */
public interface Tracing {
    /** What a delivery runs inside its span. */
    @FunctionalInterface
    interface Delivery<T> {
        T run() throws Throwable;
    }

    /**
     * Runs {@code publish} inside a producer span ("publish &lt;channel&gt;", a child of the
     * caller's current span), handing it the headers that carry the span's W3C trace context
     * ({@code traceparent}, {@code tracestate}; none without tracing).
     */
    <T> T publish(String channel, Function<Map<String, String>, T> publish);

    /**
     * Runs a delivery of {@code messages} of {@code channel} inside a consumer span
     * ("process &lt;channel&gt;", current while the bean runs), linked to each message's publisher
     * (and, for one message, its child); a failure is recorded on the span and rethrown. Called on
     * the delivery thread after {@code beforeDelivery}, so that the bean's application is the
     * thread's (its SDK is found by it).
     *
     * @param subscription the durable subscription's name, or null for an ephemeral one
     */
    <T> T process(String channel, String subscription, List<? extends BusMessage> messages, Delivery<T> delivery)
            throws Throwable;

    /** No tracing: nothing added, nothing recorded. */
    Tracing NONE = new Tracing() {
        @Override
        public <T> T publish(String channel, Function<Map<String, String>, T> publish) {
            return publish.apply(Map.of());
        }

        @Override
        public <T> T process(String channel, String subscription, List<? extends BusMessage> messages, Delivery<T> delivery)
                throws Throwable {
            return delivery.run();
        }
    };

    /**
     * OpenTelemetry's tracing when its API can be loaded by the adapter, else {@link #NONE}; with the
     * CDI API too, the applications' own SDKs are looked up as CDI beans. The implementation is loaded
     * by name, so that no OpenTelemetry or CDI class is touched where there is none.
     */
    static Tracing detect(Logger log) {
        ClassLoader loader = Tracing.class.getClassLoader();
        try {
            Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, loader);
            Class.forName("io.opentelemetry.context.Context", false, loader);
            boolean cdi = present("jakarta.enterprise.inject.spi.CDI", loader);
            Tracing tracing = (Tracing) Class.forName("io.pgmqbus.ra.tracing.OpenTelemetryTracing", true, loader)
                    .getDeclaredConstructor(boolean.class).newInstance(cdi);
            log.info("pgmq-bus: OpenTelemetry API found: publishes and deliveries continue their callers' traces, recorded"
                    + (cdi ? " by the application's SDK where the server's telemetry gives it one (CDI), else" : "")
                    + " by the SDK registered globally (GlobalOpenTelemetry), if any");
            return tracing;
        } catch (ClassNotFoundException | LinkageError e) {
            log.fine(() -> "pgmq-bus: no OpenTelemetry API for the adapter, no tracing: " + e);
            return NONE;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warning("pgmq-bus: OpenTelemetry is there but tracing could not start, no tracing: " + e);
            return NONE;
        }
    }

    private static boolean present(String name, ClassLoader loader) {
        try {
            Class.forName(name, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
