// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.api;

import java.io.Serializable;
import jakarta.resource.Referenceable;

/**
 * Where applications get a {@link BusConnection}: look it up or inject it with
 * {@code @Resource(lookup = "java:/eis/pgmq-bus")}. Connections are pooled by the container and
 * enlisted in the caller's transaction.
 */
public interface BusConnectionFactory extends Serializable, Referenceable {
    BusConnection getConnection();
}
