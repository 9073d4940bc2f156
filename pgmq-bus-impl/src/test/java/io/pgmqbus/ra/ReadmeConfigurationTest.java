// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.ra.inbound.PgmqBusActivationSpec;
import jakarta.resource.spi.ConfigProperty;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The README's configuration tables say what the annotations say: names, types, defaults. */
class ReadmeConfigurationTest {
    private static final Pattern ROW = Pattern.compile("^\\| `(\\w+)` \\| (\\w+) \\| ([^|]*) \\|");

    /** Rows of the README table under the heading that starts with {@code heading}: name -> [type, default]. */
    private static Map<String, List<String>> table(String heading) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
        Map<String, List<String>> rows = new LinkedHashMap<>();
        boolean inSection = false;
        for (String line : lines) {
            if (line.startsWith("### ")) {
                inSection = line.startsWith("### " + heading);
                continue;
            }
            Matcher m = ROW.matcher(line);
            if (inSection && m.find()) {
                rows.put(m.group(1), List.of(m.group(2), m.group(3).trim()));
            }
        }
        assertTrue(!rows.isEmpty(), "no table under ### " + heading + " in README.md");
        return rows;
    }

    private static Map<String, List<String>> annotated(Class<?> type) {
        Map<String, List<String>> props = new LinkedHashMap<>();
        for (Field f : type.getDeclaredFields()) {
            ConfigProperty p = f.getAnnotation(ConfigProperty.class);
            if (p != null) {
                props.put(f.getName(), List.of(f.getType().getSimpleName(), p.defaultValue()));
            }
        }
        return props;
    }

    @ParameterizedTest
    @ValueSource(strings = {"Resource adapter", "Activation config"})
    void readmeTableMatchesTheConfigProperties(String heading) throws IOException {
        Class<?> type = heading.startsWith("Resource") ? PgmqBusResourceAdapter.class : PgmqBusActivationSpec.class;
        Map<String, List<String>> readme = table(heading);
        Map<String, List<String>> code = annotated(type);
        assertEquals(code.keySet(), readme.keySet(), "properties documented in README.md vs @ConfigProperty");
        code.forEach((name, typeAndDefault) -> {
            assertEquals(typeAndDefault.get(0), readme.get(name).get(0), "type of " + name);
            if (!typeAndDefault.get(1).isEmpty()) {
                assertEquals("`" + typeAndDefault.get(1) + "`", readme.get(name).get(1), "default of " + name);
            }
        });
    }
}
