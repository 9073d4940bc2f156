// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One database outage as a loop sees it: logged once when it starts and once when it ends (not per
 * attempt), with an exponential back-off between attempts.
 */
public final class Outage {
    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 5_000;

    private final Logger log;
    private final String who;
    private long backoffMs;
    private int attempts;

    public Outage(Logger log, String who) {
        this.log = log;
        this.who = who;
    }

    /** Records a failed attempt and returns how long to wait before the next one. */
    public long failed(Throwable cause) {
        attempts++;
        if (attempts == 1) {
            log.log(Level.WARNING, who + ": database unavailable, retrying with back-off: " + cause.getMessage());
            log.log(Level.FINE, who + ": failure detail", cause);
            backoffMs = FIRST_BACKOFF_MS;
        } else {
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
        return backoffMs;
    }

    /** Records a successful attempt, logging the end of an outage if there was one. */
    public void succeeded() {
        if (attempts > 0) {
            log.info(who + ": database available again after " + attempts + " failed attempts");
            attempts = 0;
        }
    }
}
