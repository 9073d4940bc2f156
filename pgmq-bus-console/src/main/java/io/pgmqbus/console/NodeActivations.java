// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.console;

import jakarta.enterprise.context.ApplicationScoped;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.Attribute;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * This node's activations, read from and paused through their beans on the platform MBean server
 * (javax.management only: the console knows nothing of the adapter's classes).
 */
@ApplicationScoped
public class NodeActivations {
    static final String DOMAIN = "pgmq.bus";
    private static final Logger LOG = Logger.getLogger(NodeActivations.class.getName());
    private static final String[] ATTRIBUTES = {"Channel", "Subscription", "Kind", "Queue", "Activation", "Paused",
            "ReaderState", "OutageMillis", "DeliveringCount", "MessagesAcknowledged", "MessagesKilled", "LastRead"};

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    /** Every activation of this node, by channel, subscription and activation name. */
    public List<NodeActivation> all() {
        List<NodeActivation> found = new ArrayList<>();
        for (ObjectName name : server.queryNames(pattern(), null)) {
            try {
                Map<String, Object> values = new HashMap<>();
                for (Attribute a : server.getAttributes(name, ATTRIBUTES).asList()) {
                    values.put(a.getName(), a.getValue());
                }
                found.add(new NodeActivation(name, text(values, "Channel"), text(values, "Subscription"),
                        text(values, "Kind"), text(values, "Queue"), text(values, "Activation"),
                        Boolean.TRUE.equals(values.get("Paused")), text(values, "ReaderState"),
                        number(values, "OutageMillis"), number(values, "DeliveringCount"),
                        number(values, "MessagesAcknowledged"), number(values, "MessagesKilled"),
                        values.get("LastRead") == null ? null : String.valueOf(values.get("LastRead"))));
            } catch (InstanceNotFoundException gone) {
                // deactivated between the query and the read: not an activation any more
            } catch (JMException e) {
                LOG.log(Level.WARNING, "cannot read the attributes of " + name, e);
            }
        }
        found.sort(Comparator.comparing(NodeActivation::channel).thenComparing(NodeActivation::subscription)
                .thenComparing(NodeActivation::activation));
        return found;
    }

    /** The activations of {@code channel}'s {@code subscription} ({@code ""} or null: the ephemeral ones). */
    public List<NodeActivation> of(String channel, String subscription) {
        String wanted = subscription == null ? "" : subscription;
        return all().stream().filter(a -> a.channel().equals(channel) && wanted.equals(a.subscription())).toList();
    }

    /** The activation named {@code objectName}, or null when this node has none of that name. */
    public NodeActivation named(String objectName) {
        ObjectName name;
        try {
            name = new ObjectName(objectName);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not a JMX object name: " + objectName);
        }
        if (!DOMAIN.equals(name.getDomain())) {
            throw new IllegalArgumentException("not a bean of domain " + DOMAIN + ": " + objectName);
        }
        return all().stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
    }

    /** Calls {@code pause()} or {@code resume()} on the activation's bean; false when it is gone meanwhile. */
    public boolean invoke(NodeActivation activation, boolean pause) {
        String operation = pause ? "pause" : "resume";
        try {
            server.invoke(activation.name(), operation, null, null);
            LOG.info(() -> "console: " + operation + " " + activation.name());
            return true;
        } catch (InstanceNotFoundException gone) {
            return false;
        } catch (JMException e) {
            throw new IllegalStateException("cannot " + operation + " " + activation.name() + ": " + e.getMessage(), e);
        }
    }

    private static ObjectName pattern() {
        try {
            return new ObjectName(DOMAIN + ":type=Subscription,*");
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(Map<String, Object> values, String attribute) {
        return Objects.toString(values.get(attribute), "");
    }

    private static long number(Map<String, Object> values, String attribute) {
        return values.get(attribute) instanceof Number n ? n.longValue() : -1;
    }
}
