// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

/**
 * What the database says about one subscription's queue, the same on every node: messages in it
 * (depth), visible now, in flight (read and neither acknowledged nor visible again), the age of the
 * oldest in seconds (null when empty), and dead letters waiting that came from it.
 */
public record QueueStats(long depth, long visible, long inFlight, Double oldestAgeSeconds, long deadLetters) {
}
