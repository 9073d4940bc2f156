// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.fake;

import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

    /** The thread running each work that has started and not yet ended. */
    public final Map<Work, Thread> running = new ConcurrentHashMap<>();
    /** How many of the next works of a class named so are refused, as a container short of threads does. */
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();

    /** Refuses the next {@code count} works whose class has the simple name {@code workClass}. */
    public void refuse(String workClass, int count) {
        refusals.put(workClass, new AtomicInteger(count));
    }

    @Override
    public void scheduleWork(Work work) throws WorkException {
        AtomicInteger refuse = refusals.get(work.getClass().getSimpleName());
        if (refuse != null && refuse.getAndDecrement() > 0) {
            throw new WorkRejectedException("refused by the test's work manager");
        }
        try {
            pool.execute(() -> {
                running.put(work, Thread.currentThread());
                try {
                    work.run();
                } finally {
                    running.remove(work);
                }
            });
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
