// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The driver's remote control: {@code /pgmq-bus-bench/api/...}. */
@ApplicationPath("api")
public class BenchApplication extends Application {
}
