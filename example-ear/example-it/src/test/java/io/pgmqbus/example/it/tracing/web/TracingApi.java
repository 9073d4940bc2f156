// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.tracing.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The tracing test's REST API, at {@code /tracing/api}. */
@ApplicationPath("api")
public class TracingApi extends Application {
}
