// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.Map;

/** JSON as the adapter needs it: JSON-B for payloads, JSON-P for headers (both from the container). */
public final class Json {
    private static volatile Jsonb jsonb;
    /**
     * The JSON-P provider, looked up once: {@code jakarta.json.Json}'s static methods look it up
     * with a ServiceLoader on every call, which cost a delivery more than its database round trip.
     */
    private static volatile JsonProvider provider;

    private Json() {
    }

    /** One shared JSON-B instance (thread-safe by the spec). */
    public static Jsonb bind() {
        Jsonb j = jsonb;
        if (j == null) {
            synchronized (Json.class) {
                j = jsonb;
                if (j == null) {
                    j = JsonbBuilder.create();
                    jsonb = j;
                }
            }
        }
        return j;
    }

    private static JsonProvider json() {
        JsonProvider p = provider;
        if (p == null) {
            p = JsonProvider.provider();
            provider = p;
        }
        return p;
    }

    /** An object builder of the cached provider. */
    public static JsonObjectBuilder objectBuilder() {
        return json().createObjectBuilder();
    }

    /** A payload as JSON text: a {@code String} is taken as JSON as it is; anything else goes through JSON-B. */
    public static String payload(Object payload) {
        if (payload instanceof String s) {
            return s;
        }
        return bind().toJson(payload);
    }

    /**
     * Parses a JSON object; {@code null} or blank text, and JSON that is not an object ({@code null},
     * an array, a string, a number: any PGMQ client may send such headers), is the empty object.
     */
    public static JsonObject object(String json) {
        if (json == null || json.isBlank()) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        JsonValue value = value(json);
        return value instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
    }

    /** Whether {@code json} is a JSON object. */
    public static boolean isObject(String json) {
        return json != null && !json.isBlank() && value(json) instanceof JsonObject;
    }

    /** Parses any JSON value. */
    public static JsonValue value(String json) {
        try (JsonReader reader = json().createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }

    /** The JSON object text of {@code base} with {@code extra} entries added (extra wins). */
    public static String merge(String base, Map<String, ?> extra) {
        JsonObjectBuilder b = json().createObjectBuilder(object(base));
        for (Map.Entry<String, ?> e : extra.entrySet()) {
            Object v = e.getValue();
            if (v == null) {
                continue;
            }
            if (v instanceof JsonValue jv) {
                b.add(e.getKey(), jv);
            } else if (v instanceof Number n) {
                b.add(e.getKey(), n.longValue());
            } else {
                b.add(e.getKey(), v.toString());
            }
        }
        return b.build().toString();
    }
}
