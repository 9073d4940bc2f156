// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * One message as read from a PGMQ queue.
 *
 * @param msgId PGMQ message id (unique within its queue)
 * @param readCount how many times it was read, this read included
 * @param enqueuedAt when it was sent
 * @param visibleAgainAt when it becomes visible again unless acknowledged
 * @param message the payload, JSON text
 * @param headers the headers, JSON text, or {@code null} when the sender gave none
 */
public record QueuedMessage(long msgId, int readCount, Instant enqueuedAt, Instant visibleAgainAt,
                            String message, String headers) {

    /** Reads the current row by column name, so any PGMQ 1.5+ result layout works. */
    static QueuedMessage from(ResultSet rs) throws SQLException {
        return new QueuedMessage(
                rs.getLong("msg_id"),
                rs.getInt("read_ct"),
                instant(rs, "enqueued_at"),
                instant(rs, "vt"),
                rs.getString("message"),
                rs.getString("headers"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
