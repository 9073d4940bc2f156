// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.console;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The console's REST API under {@code /api} of the web module (the example: {@code /pgmq-bus/api}). */
@ApplicationPath("/api")
public class ConsoleApplication extends Application {
}
