// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.outbound;

import io.pgmqbus.api.BusException;
import io.pgmqbus.api.BusOperations;
import io.pgmqbus.api.DeadLetter;
import io.pgmqbus.api.SubscriptionStatus;
import io.pgmqbus.ra.backend.DeadLetters;
import io.pgmqbus.ra.backend.PgmqBackend;
import java.time.Duration;
import java.util.List;

/** The operator's tools on one connection handle: each call runs on its managed connection, in its transaction. */
final class BusOperationsImpl implements BusOperations {
    private final BusConnectionImpl connection;
    private final PgmqBackend backend;
    private final DeadLetters deadLetters;

    BusOperationsImpl(BusConnectionImpl connection, PgmqBackend backend) {
        this.connection = connection;
        this.backend = backend;
        this.deadLetters = backend.deadLetters();
    }

    @Override
    public List<SubscriptionStatus> subscriptions() {
        return connection.operating("reading the subscriptions", backend::subscriptions);
    }

    @Override
    public List<DeadLetter> deadLetters(String channel, String subscription) {
        return connection.operating("listing dead letters", c -> deadLetters.list(c, channel, subscription));
    }

    @Override
    public boolean replayDeadLetter(String deadLetterQueue, long id) {
        return connection.operating("replaying a dead letter", c -> deadLetters.replay(c, deadLetterQueue, id));
    }

    @Override
    public long replayDeadLetters(String channel, String subscription, String errorLike) {
        return connection.operating("replaying dead letters", c -> deadLetters.replayAll(c, channel, subscription, errorLike));
    }

    @Override
    public boolean purgeDeadLetter(String deadLetterQueue, long id) {
        return connection.operating("purging a dead letter", c -> deadLetters.purge(c, deadLetterQueue, id));
    }

    @Override
    public long purgeDeadLetters(Duration olderThan, String channel, String subscription) {
        if (olderThan == null || olderThan.isNegative()) {
            throw new BusException("pgmq-bus: purging dead letters needs an age of zero or more, was " + olderThan);
        }
        return connection.operating("purging dead letters", c -> deadLetters.purgeOlderThan(c, olderThan, channel, subscription));
    }
}
