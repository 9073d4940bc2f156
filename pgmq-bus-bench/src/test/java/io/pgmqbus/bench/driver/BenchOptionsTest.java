// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.bench.Target;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's choice of drains (-Dbench.drain.targets, -Dbench.drain.repeat) and throughput kinds. */
class BenchOptionsTest {
    @Test
    void drainsTheChosenBeansInRoundsAndEveryBeanByDefault() {
        assertEquals(List.of(Target.BUS_FOUR, Target.BUS_BATCH_FOUR, Target.BUS_FOUR, Target.BUS_BATCH_FOUR),
                BenchRunner.Options.drains("bus_four, BUS_BATCH_FOUR", 2));
        List<Target> all = BenchRunner.Options.drains(null, 1);
        assertEquals(7, all.size());
        assertEquals(Target.BUS_ONE, all.get(0));
        assertEquals(all, BenchRunner.Options.drains(" ", 1), "blank is the default");
    }

    @Test
    void anUnknownBeanOrNoRoundIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchRunner.Options.drains("BUS_FOUR,BUS_FIVE", 1));
        assertTrue(e.getMessage().contains("'BUS_FIVE'") && e.getMessage().contains("BUS_BATCH_FOUR"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchRunner.Options.drains("BUS_ONE", 0));
        assertTrue(e.getMessage().contains("bench.drain.repeat"), e.getMessage());
    }

    @Test
    void throughputKindsComeInTheirOwnOrderTheBaselineFirst() {
        assertEquals(List.of("app", "batch", "JMS"), BenchRunner.Options.kinds("jms,Batch,APP"),
                "the application's own PGMQ first: the others are compared with it");
        assertEquals(List.of("app", "bus", "batch", "JMS"), BenchRunner.Options.kinds(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchRunner.Options.kinds("bus,raw"));
        assertTrue(e.getMessage().contains("'raw'") && e.getMessage().contains("batch"), e.getMessage());
    }
}
