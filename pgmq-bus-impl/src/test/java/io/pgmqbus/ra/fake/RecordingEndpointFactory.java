// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.fake;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * A message-driven bean as the container would present it: endpoints that record what they
 * received and, when transacted, run each delivery in a transaction on the adapter's XA resource
 * (start in beforeDelivery; end and commit, or roll back after a failure or a rollback-only mark,
 * in afterDelivery) — what a real container's transaction manager does with one resource.
 */
public final class RecordingEndpointFactory implements MessageEndpointFactory {
    /** What the bean does with a message; may throw. */
    public interface Behaviour {
        void onMessage(BusMessage m, Delivery delivery);
    }

    /** The running delivery, as the bean sees it (for marking its transaction rollback-only). */
    public static final class Delivery {
        boolean rollbackOnly;
        boolean rolledBackByTimeout;
        private Runnable timeout = () -> { };

        public void setRollbackOnly() {
            rollbackOnly = true;
        }

        /**
         * What a transaction manager's reaper does when the delivery's transaction times out: it
         * ends and rolls the branch back from its own thread, without interrupting the bean.
         * Returns once the rollback is done; afterDelivery then commits nothing.
         */
        public void timeOut() {
            timeout.run();
            rolledBackByTimeout = true;
        }
    }

    /** What a batch bean does with the messages of one call; may throw. */
    public interface BatchBehaviour {
        void onMessages(List<BusMessage> messages, Delivery delivery);
    }

    private static final AtomicLong XIDS = new AtomicLong();
    /** For a batch bean: the size of every onMessages call, in order. */
    public final List<Integer> batches = new CopyOnWriteArrayList<>();
    private BatchBehaviour batchBehaviour;

    public final List<BusMessage> received = new CopyOnWriteArrayList<>();
    public final AtomicInteger before = new AtomicInteger();
    public final AtomicInteger after = new AtomicInteger();
    public final AtomicInteger concurrent = new AtomicInteger();
    public final AtomicInteger maxConcurrent = new AtomicInteger();
    /** When set, beforeDelivery throws it: a container failing before the bean is called. */
    public volatile RuntimeException failBeforeDelivery;
    private final boolean transacted;
    private final Behaviour behaviour;
    private final String name;

    public RecordingEndpointFactory(String name, boolean transacted, Behaviour behaviour) {
        this.name = name;
        this.transacted = transacted;
        this.behaviour = behaviour;
    }

    /** A bean implementing BusBatchListener instead of BusMessageListener. */
    public static RecordingEndpointFactory batch(String name, boolean transacted, BatchBehaviour behaviour) {
        RecordingEndpointFactory f = new RecordingEndpointFactory(name, transacted, (m, d) -> { });
        f.batchBehaviour = behaviour;
        return f;
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource xa) {
        return batchBehaviour != null ? new BatchEndpoint(xa) : new Endpoint(xa);
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource xa, long timeout) {
        return createEndpoint(xa);
    }

    @Override
    public boolean isDeliveryTransacted(Method method) {
        return transacted;
    }

    @Override
    public String getActivationName() {
        return name;
    }

    @Override
    public Class<?> getEndpointClass() {
        return batchBehaviour != null ? BatchEndpoint.class : Endpoint.class;
    }

    /** The same endpoint, listening to batches. */
    private final class BatchEndpoint extends Endpoint implements io.pgmqbus.api.BusBatchListener {
        BatchEndpoint(XAResource xa) {
            super(xa);
        }

        @Override
        public void onMessages(List<BusMessage> messages) {
            int now = concurrent.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            try {
                received.addAll(messages);
                batches.add(messages.size());
                batchBehaviour.onMessages(messages, delivery());
            } catch (RuntimeException e) {
                failed();
                throw e;
            } finally {
                concurrent.decrementAndGet();
            }
        }
    }

    private class Endpoint implements MessageEndpoint, BusMessageListener {
        private final XAResource xa;
        private Xid xid;
        private Delivery delivery;
        private boolean failed;

        Endpoint(XAResource xa) {
            this.xa = xa;
        }

        Delivery delivery() {
            return delivery;
        }

        void failed() {
            failed = true;
        }

        @Override
        public void beforeDelivery(Method method) {
            before.incrementAndGet();
            RuntimeException failure = failBeforeDelivery;
            if (failure != null) {
                throw failure;
            }
            delivery = new Delivery();
            failed = false;
            if (transacted && xa != null) {
                Xid branch = new TestXid(XIDS.incrementAndGet());
                xid = branch;
                try {
                    xa.start(branch, XAResource.TMNOFLAGS);
                } catch (XAException e) {
                    throw new IllegalStateException(e);
                }
                delivery.timeout = () -> reap(branch);
            }
        }

        @Override
        public void onMessage(BusMessage message) {
            int now = concurrent.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            try {
                received.add(message);
                behaviour.onMessage(message, delivery);
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            } finally {
                concurrent.decrementAndGet();
            }
        }

        @Override
        public void afterDelivery() {
            after.incrementAndGet();
            if (xid == null) {
                return;
            }
            if (delivery.rolledBackByTimeout) {
                xid = null;
                return;
            }
            try {
                if (failed || delivery.rollbackOnly) {
                    xa.end(xid, XAResource.TMFAIL);
                    xa.rollback(xid);
                } else {
                    xa.end(xid, XAResource.TMSUCCESS);
                    xa.commit(xid, true);
                }
            } catch (XAException e) {
                throw new IllegalStateException(e);
            } finally {
                xid = null;
            }
        }

        private void reap(Xid branch) {
            Thread reaper = new Thread(() -> {
                try {
                    xa.end(branch, XAResource.TMFAIL);
                    xa.rollback(branch);
                } catch (XAException e) {
                    throw new IllegalStateException(e);
                }
            }, "fake-transaction-reaper");
            reaper.start();
            try {
                reaper.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void release() {
        }
    }

    private record TestXid(long id) implements Xid {
        @Override
        public int getFormatId() {
            return 0x50474d51;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return ("gtx-" + id + "-" + ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public byte[] getBranchQualifier() {
            return new byte[] {1};
        }
    }
}
