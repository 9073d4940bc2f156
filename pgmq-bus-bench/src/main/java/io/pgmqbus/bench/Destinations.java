// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

/**
 * The JNDI names of the JMS queues of the side-by-side measurements (defined on {@link Publisher},
 * created in WildFly's embedded Artemis at deployment).
 */
public final class Destinations {
    public static final String LATENCY = "java:/queue/benchLatency";
    public static final String ONE = "java:/queue/benchOne";
    public static final String FOUR = "java:/queue/benchFour";

    private Destinations() {
    }
}
