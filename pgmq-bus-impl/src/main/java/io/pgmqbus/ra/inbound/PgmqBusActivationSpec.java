// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.api.BusMessageListener;
import io.pgmqbus.ra.backend.QueueNames;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.Activation;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;
import java.beans.IntrospectionException;
import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a message-driven bean says with {@code @ActivationConfigProperty}: which channel, which
 * subscription, and how messages are read and retried. {@link #validate()} names every bad property
 * at once, so a deployment fails with the whole list.
 */
@Activation(messageListeners = {BusMessageListener.class, io.pgmqbus.api.BusBatchListener.class})
public class PgmqBusActivationSpec implements ActivationSpec {
    private ResourceAdapter resourceAdapter;

    @ConfigProperty(description = "Channel to subscribe to (required).")
    private String channel;
    @ConfigProperty(description = "Durable shared subscription name; absent = an ephemeral subscription per activation.")
    private String subscription;
    @ConfigProperty(description = "Seconds a read message stays invisible to other readers while it is handled.", defaultValue = "30")
    private Integer visibilityTimeout = 30;
    @ConfigProperty(description = "Most messages read at once; those beyond the free sessions wait in memory for the next free one, kept invisible to other readers (handed back at once on undeploy).", defaultValue = "10")
    private Integer batchSize = 10;
    @ConfigProperty(description = "Poll interval in milliseconds when wake-up notifications are off or unavailable.", defaultValue = "100")
    private Integer pollIntervalMs = 100;
    @ConfigProperty(description = "Longest wait in seconds for a wake-up before reading anyway (finds messages whose visibility timeout ran out, and sends that notified nobody).", defaultValue = "5")
    private Integer maxPollSeconds = 5;
    @ConfigProperty(description = "Wait for NOTIFY wake-ups (true) or only poll every pollIntervalMs (false).", defaultValue = "true")
    private Boolean notifications = Boolean.TRUE;
    @ConfigProperty(description = "For a BusBatchListener bean: most messages per onMessages call (one transaction, one acknowledgement).", defaultValue = "10")
    private Integer deliveryBatchSize = 10;
    @ConfigProperty(description = "For a BusBatchListener bean: longest wait in milliseconds for more messages when a read returned fewer than deliveryBatchSize; 0 = deliver what there is.", defaultValue = "0")
    private Integer deliveryBatchWaitMs = 0;
    @ConfigProperty(description = "Most messages delivered concurrently to this endpoint.", defaultValue = "4")
    private Integer maxSessions = 4;
    @ConfigProperty(description = "Deliveries of one message before it goes to the dead-letter queue.", defaultValue = "5")
    private Integer maxDeliveries = 5;
    @ConfigProperty(description = "Longest time in seconds the adapter keeps a message it read invisible to other readers, extending its visibility while it waits for a session and while onMessage runs; past it the message may be delivered again in parallel (logged once).", defaultValue = "300")
    private Integer maxDeliverySeconds = 300;
    @ConfigProperty(description = "Seconds before the first redelivery of a message whose delivery failed.", defaultValue = "1")
    private Integer retryBackoffSeconds = 1;
    @ConfigProperty(description = "Factor by which the back-off grows with each failed delivery.", defaultValue = "2.0")
    private Double retryBackoffMultiplier = 2.0;
    @ConfigProperty(description = "Longest back-off in seconds.", defaultValue = "60")
    private Integer retryBackoffMaxSeconds = 60;
    @ConfigProperty(description = "Comma-separated message types to deliver; others are acknowledged unseen. Empty = all.")
    private String messageTypes;
    @ConfigProperty(description = "Channel whose dead-letter queue takes messages that failed maxDeliveries times; default: this channel's.")
    private String deadLetterChannel;

    @Override
    public void validate() throws InvalidPropertyException {
        Set<String> bad = new LinkedHashSet<>();
        List<String> reasons = new ArrayList<>();
        checkChannel("channel", channel, true, bad, reasons);
        checkChannel("deadLetterChannel", deadLetterChannel, false, bad, reasons);
        if (subscription != null && (subscription.isBlank() || subscription.length() > 200)) {
            bad(bad, reasons, "subscription", "must be 1 to 200 characters when given");
        }
        positive("visibilityTimeout", visibilityTimeout, bad, reasons);
        positive("batchSize", batchSize, bad, reasons);
        positive("pollIntervalMs", pollIntervalMs, bad, reasons);
        positive("maxPollSeconds", maxPollSeconds, bad, reasons);
        positive("maxSessions", maxSessions, bad, reasons);
        positive("maxDeliveries", maxDeliveries, bad, reasons);
        positive("maxDeliverySeconds", maxDeliverySeconds, bad, reasons);
        positive("deliveryBatchSize", deliveryBatchSize, bad, reasons);
        if (deliveryBatchSize != null && deliveryBatchSize > 1000) {
            bad(bad, reasons, "deliveryBatchSize", "must be at most 1000, was " + deliveryBatchSize);
        }
        if (deliveryBatchWaitMs == null || deliveryBatchWaitMs < 0) {
            bad(bad, reasons, "deliveryBatchWaitMs", "must be 0 or a positive number, was " + deliveryBatchWaitMs);
        }
        positive("retryBackoffSeconds", retryBackoffSeconds, bad, reasons);
        positive("retryBackoffMaxSeconds", retryBackoffMaxSeconds, bad, reasons);
        if (batchSize != null && batchSize > 1000) {
            bad(bad, reasons, "batchSize", "must be at most 1000, was " + batchSize);
        }
        if (retryBackoffMultiplier == null || !(retryBackoffMultiplier >= 1.0) || retryBackoffMultiplier.isInfinite()) {
            bad(bad, reasons, "retryBackoffMultiplier", "must be a number of at least 1.0, was " + retryBackoffMultiplier);
        }
        if (notifications == null) {
            bad(bad, reasons, "notifications", "must be true or false");
        }
        if (!bad.isEmpty()) {
            InvalidPropertyException e = new InvalidPropertyException(
                    "invalid pgmq-bus activation config: " + String.join("; ", reasons));
            e.setInvalidPropertyDescriptors(descriptors(bad));
            throw e;
        }
    }

    private static void checkChannel(String name, String value, boolean required, Set<String> bad, List<String> reasons) {
        if (value == null || value.isEmpty()) {
            if (required) {
                bad(bad, reasons, name, "is required");
            }
            return;
        }
        try {
            QueueNames.requireValidChannel(value);
        } catch (RuntimeException e) {
            bad(bad, reasons, name, e.getMessage());
        }
    }

    private static void positive(String name, Integer value, Set<String> bad, List<String> reasons) {
        if (value == null || value <= 0) {
            bad(bad, reasons, name, "must be a positive number, was " + value);
        }
    }

    private static void bad(Set<String> bad, List<String> reasons, String property, String reason) {
        bad.add(property);
        reasons.add(property + " " + reason);
    }

    private PropertyDescriptor[] descriptors(Set<String> names) {
        List<PropertyDescriptor> out = new ArrayList<>();
        for (String name : names) {
            try {
                out.add(new PropertyDescriptor(name, PgmqBusActivationSpec.class));
            } catch (IntrospectionException e) {
                throw new IllegalStateException("no bean property " + name, e);
            }
        }
        return out.toArray(new PropertyDescriptor[0]);
    }

    /** The message types to deliver, or an empty set for all. */
    public Set<String> messageTypeSet() {
        if (messageTypes == null || messageTypes.isBlank()) {
            return Set.of();
        }
        Set<String> types = new LinkedHashSet<>();
        Arrays.stream(messageTypes.split(",")).map(String::trim).filter(t -> !t.isEmpty()).forEach(types::add);
        return types;
    }

    /** The back-off before the next delivery of a message that was delivered {@code deliveries} times. */
    public int backoffSeconds(int deliveries) {
        double seconds = retryBackoffSeconds * Math.pow(retryBackoffMultiplier, Math.max(0, deliveries - 1));
        return (int) Math.min(retryBackoffMaxSeconds, Math.ceil(seconds));
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        this.resourceAdapter = ra;
    }

    public String getChannel() { return channel; }
    public void setChannel(String channel) { this.channel = channel; }
    public String getSubscription() { return subscription; }
    public void setSubscription(String subscription) { this.subscription = subscription; }
    public Integer getVisibilityTimeout() { return visibilityTimeout; }
    public void setVisibilityTimeout(Integer visibilityTimeout) { this.visibilityTimeout = visibilityTimeout; }
    public Integer getBatchSize() { return batchSize; }
    public void setBatchSize(Integer batchSize) { this.batchSize = batchSize; }
    public Integer getPollIntervalMs() { return pollIntervalMs; }
    public void setPollIntervalMs(Integer pollIntervalMs) { this.pollIntervalMs = pollIntervalMs; }
    public Integer getMaxPollSeconds() { return maxPollSeconds; }
    public void setMaxPollSeconds(Integer maxPollSeconds) { this.maxPollSeconds = maxPollSeconds; }
    public Boolean getNotifications() { return notifications; }
    public void setNotifications(Boolean notifications) { this.notifications = notifications; }
    public Integer getDeliveryBatchSize() { return deliveryBatchSize; }
    public void setDeliveryBatchSize(Integer deliveryBatchSize) { this.deliveryBatchSize = deliveryBatchSize; }
    public Integer getDeliveryBatchWaitMs() { return deliveryBatchWaitMs; }
    public void setDeliveryBatchWaitMs(Integer deliveryBatchWaitMs) { this.deliveryBatchWaitMs = deliveryBatchWaitMs; }
    public Integer getMaxSessions() { return maxSessions; }
    public void setMaxSessions(Integer maxSessions) { this.maxSessions = maxSessions; }
    public Integer getMaxDeliveries() { return maxDeliveries; }
    public void setMaxDeliveries(Integer maxDeliveries) { this.maxDeliveries = maxDeliveries; }
    public Integer getMaxDeliverySeconds() { return maxDeliverySeconds; }
    public void setMaxDeliverySeconds(Integer maxDeliverySeconds) { this.maxDeliverySeconds = maxDeliverySeconds; }
    public Integer getRetryBackoffSeconds() { return retryBackoffSeconds; }
    public void setRetryBackoffSeconds(Integer retryBackoffSeconds) { this.retryBackoffSeconds = retryBackoffSeconds; }
    public Double getRetryBackoffMultiplier() { return retryBackoffMultiplier; }
    public void setRetryBackoffMultiplier(Double retryBackoffMultiplier) { this.retryBackoffMultiplier = retryBackoffMultiplier; }
    public Integer getRetryBackoffMaxSeconds() { return retryBackoffMaxSeconds; }
    public void setRetryBackoffMaxSeconds(Integer retryBackoffMaxSeconds) { this.retryBackoffMaxSeconds = retryBackoffMaxSeconds; }
    public String getMessageTypes() { return messageTypes; }
    public void setMessageTypes(String messageTypes) { this.messageTypes = messageTypes; }
    public String getDeadLetterChannel() { return deadLetterChannel; }
    public void setDeadLetterChannel(String deadLetterChannel) { this.deadLetterChannel = deadLetterChannel; }

    @Override
    public String toString() {
        return "PgmqBusActivationSpec[channel=" + channel + ", subscription=" + subscription + ", maxSessions="
                + maxSessions + ", batchSize=" + batchSize + "]";
    }
}
