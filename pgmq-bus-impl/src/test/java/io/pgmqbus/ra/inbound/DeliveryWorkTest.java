// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DeliveryWorkTest {

    @Test
    void aFailureIsRecordedAsTheBeansOwnException() {
        assertEquals("java.lang.IllegalArgumentException: cannot digest",
                DeliveryWork.describe(new IllegalArgumentException("cannot digest")));
    }

    @Test
    void aContainersWrapperKeepsTheBeansExceptionInTheRecord() {
        IllegalArgumentException bean = new IllegalArgumentException("cannot digest");
        assertEquals("java.lang.RuntimeException: message-driven bean method system exception;"
                        + " caused by java.lang.IllegalArgumentException: cannot digest",
                DeliveryWork.describe(new RuntimeException("message-driven bean method system exception", bean)));
        assertEquals("java.lang.IllegalArgumentException: cannot digest",
                DeliveryWork.describe(new RuntimeException(bean)), "a wrapper that only repeats its cause");
        assertEquals("java.lang.IllegalArgumentException: cannot digest",
                DeliveryWork.describe(new RuntimeException((String) null, bean)), "a wrapper without a message");
    }
}
