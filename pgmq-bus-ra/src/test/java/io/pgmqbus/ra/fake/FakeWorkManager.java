// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.fake;

import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/** A WorkManager that runs work on a thread pool, as a container's would. */
public final class FakeWorkManager implements WorkManager {
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-work");
        t.setDaemon(true);
        return t;
    });

    @Override
    public void doWork(Work work) {
        work.run();
    }

    @Override
    public void doWork(Work work, long timeout, ExecutionContext ctx, WorkListener listener) {
        work.run();
    }

    @Override
    public long startWork(Work work) throws WorkException {
        scheduleWork(work);
        return 0;
    }

    @Override
    public long startWork(Work work, long timeout, ExecutionContext ctx, WorkListener listener) throws WorkException {
        scheduleWork(work);
        return 0;
    }

    @Override
    public void scheduleWork(Work work) throws WorkException {
        try {
            pool.execute(work);
        } catch (RejectedExecutionException e) {
            throw new WorkRejectedException(e);
        }
    }

    @Override
    public void scheduleWork(Work work, long timeout, ExecutionContext ctx, WorkListener listener) throws WorkException {
        scheduleWork(work);
    }

    /** Stops the pool; true when every work ended within the time. */
    public boolean shutdown(long millis) throws InterruptedException {
        pool.shutdown();
        return pool.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }
}
