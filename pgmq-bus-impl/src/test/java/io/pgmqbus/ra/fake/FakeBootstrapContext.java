// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.fake;

import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.XATerminator;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.Timer;

/** The container side of a resource adapter's start: a WorkManager and timers. */
public final class FakeBootstrapContext implements BootstrapContext {
    private final FakeWorkManager workManager = new FakeWorkManager();

    @Override
    public WorkManager getWorkManager() {
        return workManager;
    }

    public FakeWorkManager fakeWorkManager() {
        return workManager;
    }

    @Override
    public XATerminator getXATerminator() {
        return null;
    }

    @Override
    public Timer createTimer() {
        return new Timer("fake-timer", true);
    }

    @Override
    public boolean isContextSupported(Class<? extends WorkContext> type) {
        return false;
    }

    @Override
    public TransactionSynchronizationRegistry getTransactionSynchronizationRegistry() {
        return null;
    }
}
