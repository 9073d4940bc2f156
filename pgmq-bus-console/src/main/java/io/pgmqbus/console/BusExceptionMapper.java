// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.console;

import io.pgmqbus.api.BusException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link BusException} becomes 400 when the database refused the input (SQLSTATE classes 22,
 * data, and 42, syntax or access), else 503 with {@code Retry-After}: the database could not be
 * reached or the pool gave no connection, which is worth trying again.
 */
@Provider
public class BusExceptionMapper implements ExceptionMapper<BusException> {
    private static final Logger LOG = Logger.getLogger(BusExceptionMapper.class.getName());

    @Override
    public Response toResponse(BusException e) {
        String state = e.getSqlState();
        if (!e.isConnectionFailure() && state != null && (state.startsWith("22") || state.startsWith("42"))) {
            return Problems.response(Response.Status.BAD_REQUEST, e.getMessage());
        }
        LOG.log(Level.WARNING, "console: the bus is unavailable: " + e.getMessage(), e);
        return Response.fromResponse(Problems.response(Response.Status.SERVICE_UNAVAILABLE,
                "the bus is unavailable: " + e.getMessage())).header("Retry-After", "5").build();
    }
}
