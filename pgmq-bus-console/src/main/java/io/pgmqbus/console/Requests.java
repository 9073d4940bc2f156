// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.console;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** Reading a request's JSON object, each wrong field answered with 400 naming it. */
final class Requests {
    private Requests() {
    }

    static JsonObject body(JsonObject body) {
        if (body == null) {
            throw Problems.badRequest("a JSON object is required");
        }
        return body;
    }

    /** The string field {@code name}, or null when absent, null or blank. */
    static String text(JsonObject body, String name) {
        JsonValue value = body.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonString s)) {
            throw Problems.badRequest("\"" + name + "\" must be a string");
        }
        return s.getString().isBlank() ? null : s.getString();
    }

    /** The integer field {@code name}, or null when absent or null. */
    static Long number(JsonObject body, String name) {
        JsonValue value = body.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber n) || !n.isIntegral()) {
            throw Problems.badRequest("\"" + name + "\" must be an integer");
        }
        return n.longValueExact();
    }
}
