// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example;

/** The example's message payload: mapped to and from JSON with JSON-B. */
public class Order {
    public String item;
    public int quantity;

    public Order() {
    }

    public Order(String item, int quantity) {
        this.item = item;
        this.quantity = quantity;
    }
}
