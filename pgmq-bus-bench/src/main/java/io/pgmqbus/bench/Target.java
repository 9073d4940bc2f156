// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

/**
 * Where a measurement publishes, and so which message-driven bean receives: eight bus channels and
 * three JMS queues, each with one bean of the listed configuration; and two PGMQ queues that the
 * application uses without the bus (published through a JTA datasource, consumed by polling
 * workers of the benchmark's resource): the like-for-like baseline of the throughput runs.
 */
public enum Target {
    /** {@link BusNotifyListener}: wake-ups by NOTIFY (the default), 4 sessions. */
    BUS_NOTIFY("bench.notify", true),
    /** {@link BusPollListener}: notifications off, poll every 100 ms, 4 sessions. */
    BUS_POLL("bench.poll", true),
    /** {@link BusOneSessionListener}: maxSessions 1. */
    BUS_ONE("bench.one", true),
    /** {@link BusFourSessionsListener}: maxSessions 4. */
    BUS_FOUR("bench.four", true),
    /** {@link BusFourSessionsNotTransactedListener}: maxSessions 4, not transacted (acknowledged outside a transaction). */
    BUS_FOUR_NOT_TRANSACTED("bench.four.nt", true),
    /** {@link BusBatchOneSessionListener}: a BusBatchListener, maxSessions 1, 50 per call. */
    BUS_BATCH_ONE("bench.batch.one", true),
    /** {@link BusBatchFourSessionListener}: a BusBatchListener, maxSessions 4, 50 per call. */
    BUS_BATCH_FOUR("bench.batch.four", true),
    /** {@link JmsLatencyListener}: Artemis queue, maxSession 4. */
    JMS_LATENCY(Destinations.LATENCY, false),
    /** {@link JmsOneSessionListener}: maxSession 1. */
    JMS_ONE(Destinations.ONE, false),
    /** {@link JmsFourSessionsListener}: maxSession 4. */
    JMS_FOUR(Destinations.FOUR, false),
    /** PGMQ queue {@code bench_app_one} without the bus: 1 polling worker. */
    APP_ONE("bench_app_one", false),
    /** PGMQ queue {@code bench_app_four} without the bus: 4 polling workers. */
    APP_FOUR("bench_app_four", false);

    private final String address;
    private final boolean bus;

    Target(String address, boolean bus) {
        this.address = address;
        this.bus = bus;
    }

    /** The bus channel, the JMS queue's JNDI name, or the PGMQ queue's name. */
    public String address() {
        return address;
    }

    public boolean bus() {
        return bus;
    }

    /** PGMQ used directly by the application, without the bus. */
    public boolean app() {
        return this == APP_ONE || this == APP_FOUR;
    }
}
