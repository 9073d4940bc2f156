// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.tracing;

import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;

/**
 * The {@link OpenTelemetry} bean of the application whose code runs on this thread, as the
 * server's telemetry offers it to that application: WildFly's {@code opentelemetry} subsystem
 * (SmallRye OpenTelemetry, one SDK per deployment) and Payara's MicroProfile Telemetry (one SDK per
 * application) both produce it as a CDI bean, and neither registers it with GlobalOpenTelemetry.
 * {@code CDI.current()} finds the application by the thread: WildFly by its context class loader,
 * Payara by its component invocation. Loaded only where the CDI API is there.
 */
final class CdiTelemetry {
    private CdiTelemetry() {
    }

    /** The application's OpenTelemetry, or null if it has no (single) such bean. */
    static OpenTelemetry lookup() {
        Instance<OpenTelemetry> bean = CDI.current().select(OpenTelemetry.class);
        return bean.isResolvable() ? bean.get() : null;
    }
}
