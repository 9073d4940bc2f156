// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.api;

import java.io.Serializable;
import jakarta.resource.Referenceable;

/**
 * Where applications get a {@link BusConnection}: look it up or inject it with
 * {@code @Resource(lookup = "java:app/eis/pgmq-bus")} (the name the example EAR binds on WildFly and Payara). Connections are pooled by the container and
 * enlisted in the caller's transaction.
 */
public interface BusConnectionFactory extends Serializable, Referenceable {
    BusConnection getConnection();
}
