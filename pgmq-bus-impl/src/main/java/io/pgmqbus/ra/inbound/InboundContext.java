// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.ra.ConnectionSource;
import io.pgmqbus.ra.backend.PgmqBackend;
import jakarta.resource.spi.work.WorkManager;

/**
 * What an activation needs from its resource adapter.
 *
 * @param node who this adapter is (host and process), recorded with its subscriptions
 * @param leaseSeconds how long a subscription stays alive without a heartbeat
 * @param tracing how deliveries are traced
 */
public record InboundContext(PgmqBackend backend, ConnectionSource connections, WorkManager workManager,
                             WakeUpListener wakeUps, String node, int leaseSeconds,
                             io.pgmqbus.ra.tracing.Tracing tracing) {
}
