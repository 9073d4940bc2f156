// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

@ApplicationPath("/api")
public class ExampleApplication extends Application {
}
