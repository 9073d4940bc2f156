// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example;

import io.pgmqbus.api.BusMessage;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Every message the example's beans received, in memory, for the receipts page and the tests. */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class Receipts {
    private final List<Receipt> receipts = new ArrayList<>();

    public void record(String bean, BusMessage message) {
        synchronized (receipts) {
            receipts.add(Receipt.of(bean, message));
            receipts.notifyAll();
        }
    }

    public List<Receipt> all() {
        synchronized (receipts) {
            return List.copyOf(receipts);
        }
    }

    public List<Receipt> of(String bean) {
        return all().stream().filter(r -> r.bean().equals(bean)).toList();
    }

    /**
     * Waits up to {@code millis} until at least {@code count} receipts match; returns those that
     * match then (fewer on timeout: the caller asserts).
     */
    public List<Receipt> await(Predicate<Receipt> matching, int count, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        synchronized (receipts) {
            while (true) {
                List<Receipt> found = receipts.stream().filter(matching).toList();
                long left = deadline - System.currentTimeMillis();
                if (found.size() >= count || left <= 0) {
                    return found;
                }
                receipts.wait(left);
            }
        }
    }

    public void clear() {
        synchronized (receipts) {
            receipts.clear();
        }
    }
}
