// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.console;

import io.pgmqbus.api.BusException;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.logging.Logger;

/** When the console starts, in the web module's naming context, looks the bus's connection factory up for later calls from any thread. */
@WebListener
public class ConsoleStart implements ServletContextListener {
    private static final Logger LOG = Logger.getLogger(ConsoleStart.class.getName());

    @Inject
    private Bus bus;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        try {
            bus.lookUp();
        } catch (BusException e) {
            LOG.warning(() -> "console: " + e.getMessage() + " (looked up again at each request until found)");
        }
    }
}
