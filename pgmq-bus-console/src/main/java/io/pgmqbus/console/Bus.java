// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.console;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusConnectionFactory;
import io.pgmqbus.api.BusException;
import io.pgmqbus.api.BusOperations;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Function;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The adapter's operations, one connection per call. The connection factory is looked up by its
 * JNDI name, {@value #DEFAULT_FACTORY} (as the example binds it on both servers) unless the
 * MicroProfile Config (or system) property {@value #FACTORY_PROPERTY} names another; looked up in
 * code, not injected with {@code @Resource}, as this bean lives in the EAR's lib/ where Payara
 * injects no resources.
 */
@ApplicationScoped
public class Bus {
    static final String FACTORY_PROPERTY = "pgmq.bus.console.connectionFactory";
    static final String DEFAULT_FACTORY = "java:app/eis/pgmq-bus";

    private volatile BusConnectionFactory factory;

    /**
     * Looks the factory up now, from a thread of the application ({@link ConsoleStart}): the
     * readiness check calls this bean from the server's health endpoint, a thread where
     * {@code java:app} may not resolve (Payara).
     */
    public void lookUp() {
        factory();
    }

    /** {@code work} on the operations of a connection that is closed afterwards. */
    public <T> T call(Function<BusOperations, T> work) {
        try (BusConnection connection = factory().getConnection()) {
            return work.apply(connection.operations());
        }
    }

    private BusConnectionFactory factory() {
        BusConnectionFactory found = factory;
        if (found == null) {
            String name = Settings.text(FACTORY_PROPERTY, DEFAULT_FACTORY);
            try {
                found = InitialContext.doLookup(name);
            } catch (NamingException e) {
                throw new BusException("no bus connection factory at " + name + " (" + FACTORY_PROPERTY + "): " + e, e);
            }
            factory = found;
        }
        return found;
    }

    /** A setting from MicroProfile Config when the server has it, else a system property. */
    static final class Settings {
        private Settings() {
        }

        static String text(String name, String otherwise) {
            try {
                return ConfigProvider.getConfig().getOptionalValue(name, String.class).orElse(otherwise);
            } catch (RuntimeException | LinkageError noConfig) {
                return System.getProperty(name, otherwise);
            }
        }
    }
}
