// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench.driver;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the report: a scenario's variant and its numbers ({@code metrics}, in the order
 * they were added), plus the latency samples in microseconds when the plot needs them.
 */
final class Result {
    /** A percentile of no values (latencies themselves may be negative: see Run#latencies). */
    static final long NONE = Long.MIN_VALUE;

    final String scenario;
    final String name;
    final Map<String, Object> metrics = new LinkedHashMap<>();
    long[] samplesMicros;

    Result(String scenario, String name) {
        this.scenario = scenario;
        this.name = name;
    }

    Result put(String metric, Object value) {
        metrics.put(metric, value);
        return this;
    }

    /** Adds p50/p90/p99/max (ms) of {@code micros} under {@code prefix}, and the sample count. */
    Result latencies(String prefix, long[] micros) {
        long[] sorted = micros.clone();
        java.util.Arrays.sort(sorted);
        put(prefix + "samples", sorted.length);
        put(prefix + "p50_ms", ms(percentile(sorted, 50)));
        put(prefix + "p90_ms", ms(percentile(sorted, 90)));
        put(prefix + "p99_ms", ms(percentile(sorted, 99)));
        put(prefix + "max_ms", ms(sorted.length == 0 ? NONE : sorted[sorted.length - 1]));
        return this;
    }

    double number(String metric) {
        Object v = metrics.get(metric);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Nearest-rank percentile of sorted values; {@link #NONE} when there are none. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return NONE;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double ms(long micros) {
        return micros == NONE ? Double.NaN : Math.round(micros / 10.0) / 100.0;
    }

    static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
