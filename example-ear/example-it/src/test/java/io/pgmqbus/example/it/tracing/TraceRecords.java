// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.tracing;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What {@link TracedListener} saw of each message's trace, by the message's marker (its payload). */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class TraceRecords {
    private final Map<String, String> seen = new ConcurrentHashMap<>();

    public void put(String marker, String trace) {
        seen.put(marker, trace);
    }

    /** What the listener saw of {@code marker}'s message, or null before it got it. */
    public String get(String marker) {
        return seen.get(marker);
    }
}
