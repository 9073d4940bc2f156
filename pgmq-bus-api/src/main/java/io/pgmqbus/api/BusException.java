// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.api;

/**
 * A bus operation failed: the database refused it, could not be reached, or the input was invalid.
 *
 * <p>Unchecked on purpose: an EJB that lets it propagate gets its container-managed transaction
 * rolled back (a system exception), so a publish that failed never commits half of the caller's
 * work. A checked exception would commit unless every caller remembered to mark rollback.
 */
public class BusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String sqlState;

    public BusException(String message) {
        this(message, null, null);
    }

    public BusException(String message, Throwable cause) {
        this(message, null, cause);
    }

    public BusException(String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /** The PostgreSQL SQLSTATE behind this failure, or {@code null} when it did not come from the database. */
    public String getSqlState() {
        return sqlState;
    }

    /**
     * True when the failure means the database could not be reached or the connection broke:
     * SQLSTATE class 08, or the server shutting down or terminating the session (57P01 to 57P03).
     */
    public boolean isConnectionFailure() {
        return isConnectionFailure(sqlState);
    }

    /** Whether a SQLSTATE means the connection is gone and must not be used again. */
    public static boolean isConnectionFailure(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.equals("57P01")
                || sqlState.equals("57P02") || sqlState.equals("57P03"));
    }
}
