// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.tracing;

import io.opentelemetry.api.OpenTelemetry;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OpenTelemetry of the application on the current thread (a caller's thread when publishing; a
 * delivery thread after {@code beforeDelivery}, when the container has put the bean's application on
 * it), remembered per context class loader. Entries hold neither the class loader nor the
 * OpenTelemetry strongly: both belong to the application, which keeps them while it is deployed. An
 * application without one is asked again after {@link #RETRY_SECONDS}, as its container may just be
 * starting.
 */
final class ApplicationTelemetry {
    private static final Logger LOG = Logger.getLogger(ApplicationTelemetry.class.getName());
    static final long RETRY_SECONDS = 10;

    /** An application's OpenTelemetry ({@code telemetry} null: none, ask again from {@code retryAt} on). */
    private record Found(WeakReference<OpenTelemetry> telemetry, long retryAt) {
        boolean none() {
            return telemetry == null && System.nanoTime() - retryAt < 0;
        }
    }

    private final Supplier<OpenTelemetry> lookup;
    private final Map<ClassLoader, Found> found = new WeakHashMap<>();

    /** @param lookup finds the OpenTelemetry of the application on the current thread, or null */
    ApplicationTelemetry(Supplier<OpenTelemetry> lookup) {
        this.lookup = lookup;
    }

    /** The current application's OpenTelemetry, or null when it has none the adapter can reach. */
    OpenTelemetry current() {
        ClassLoader application = Thread.currentThread().getContextClassLoader();
        if (application == null) {
            return null;
        }
        Found known;
        synchronized (found) {
            known = found.get(application);
        }
        OpenTelemetry telemetry = known == null || known.telemetry() == null ? null : known.telemetry().get();
        if (telemetry != null || known != null && known.none()) {
            return telemetry;
        }
        telemetry = find();
        Found now = telemetry != null ? new Found(new WeakReference<>(telemetry), 0)
                : new Found(null, System.nanoTime() + TimeUnit.SECONDS.toNanos(RETRY_SECONDS));
        synchronized (found) {
            found.put(application, now);
        }
        return telemetry;
    }

    private OpenTelemetry find() {
        try {
            return lookup.get();
        } catch (RuntimeException | LinkageError e) {
            // no CDI container for this thread's application (or none yet), or the bean failed
            LOG.log(Level.FINE, "pgmq-bus: no OpenTelemetry bean for the application on this thread", e);
            return null;
        }
    }
}
