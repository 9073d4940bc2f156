// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.edges;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * What the edge beans saw and did (a publish's outcome, the transaction's status after a timeout),
 * for the tests to assert on. Never in the caller's transaction: it must work after a timeout,
 * when that transaction is rolled back or marked so.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Observations {
    private static final Logger LOG = Logger.getLogger(Observations.class.getName());

    private final List<String> seen = new ArrayList<>();

    /** Keeps an observation (and logs it, so the server's log tells what the edge beans saw). */
    public void add(String observation) {
        LOG.info(observation);
        synchronized (seen) {
            seen.add(observation);
            seen.notifyAll();
        }
    }

    /** Waits up to {@code millis} for {@code count} matching observations; returns those there are then. */
    public List<String> await(Predicate<String> matching, int count, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        synchronized (seen) {
            while (true) {
                List<String> found = seen.stream().filter(matching).toList();
                long left = deadline - System.currentTimeMillis();
                if (found.size() >= count || left <= 0) {
                    return found;
                }
                seen.wait(left);
            }
        }
    }

    /** A {@link jakarta.transaction.Status} constant by name. */
    public static String statusName(int status) {
        return switch (status) {
            case Status.STATUS_ACTIVE -> "ACTIVE";
            case Status.STATUS_MARKED_ROLLBACK -> "MARKED_ROLLBACK";
            case Status.STATUS_PREPARED -> "PREPARED";
            case Status.STATUS_COMMITTED -> "COMMITTED";
            case Status.STATUS_ROLLEDBACK -> "ROLLEDBACK";
            case Status.STATUS_UNKNOWN -> "UNKNOWN";
            case Status.STATUS_NO_TRANSACTION -> "NO_TRANSACTION";
            case Status.STATUS_PREPARING -> "PREPARING";
            case Status.STATUS_COMMITTING -> "COMMITTING";
            case Status.STATUS_ROLLING_BACK -> "ROLLING_BACK";
            default -> "status " + status;
        };
    }

    /**
     * Outlives the current transaction's timeout: waits (polling, at most {@code maxMillis}) until the
     * container acted on it — until its status is no longer ACTIVE, then up to two seconds more while
     * it is only marked for rollback or rolling back, in case the container rolls it back itself —
     * and says what it saw. An interrupt ends the wait early, is said, and is kept.
     */
    public static String outliveTransaction(TransactionSynchronizationRegistry tx, long maxMillis) {
        long start = System.nanoTime();
        long deadline = start + maxMillis * 1_000_000L;
        StringBuilder seen = new StringBuilder(statusName(tx.getTransactionStatus()));
        int last = tx.getTransactionStatus();
        Long leftActive = null;
        try {
            while (System.nanoTime() < deadline) {
                int status = tx.getTransactionStatus();
                if (status != last) {
                    seen.append(" -> ").append(statusName(status)).append(" at ").append(millisSince(start)).append(" ms");
                    last = status;
                }
                if (status != Status.STATUS_ACTIVE && leftActive == null) {
                    leftActive = System.nanoTime();
                }
                boolean pending = status == Status.STATUS_MARKED_ROLLBACK || status == Status.STATUS_ROLLING_BACK
                        || status == Status.STATUS_ACTIVE;
                if (leftActive != null && (!pending || System.nanoTime() - leftActive > 2_000_000_000L)) {
                    break;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            seen.append(", interrupted at ").append(millisSince(start)).append(" ms");
        }
        return "transaction " + seen + (last == Status.STATUS_ACTIVE ? ", still ACTIVE" : "") + "; returns after "
                + millisSince(start) + " ms";
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
