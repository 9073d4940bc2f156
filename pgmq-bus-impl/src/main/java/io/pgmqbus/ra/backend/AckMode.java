// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

/** What acknowledging a handled message does to it. */
public enum AckMode {
    /** Move it to the queue's archive table ({@code pgmq.a_<queue>}): an audit trail, the default. */
    ARCHIVE,
    /** Delete it: nothing kept, less to vacuum. */
    DELETE
}
