package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    private static Map<String, Object> sample() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("loss", List.of(1.5, 0.25));
        inner.put("acc", new double[] {0.5, Double.NaN});
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "run \"a\"\n");
        m.put("epochs", 3);
        m.put("ok", true);
        m.put("counts", new int[] {1, 2});
        m.put("history", List.of(inner));
        m.put("empty", Map.of());
        return m;
    }

    @Test
    void oneLineKeepsTheCompactLayout() {
        assertEquals("{\"name\": \"run \\\"a\\\"\\n\", \"epochs\": 3, \"ok\": true, \"counts\": [1, 2], "
                + "\"history\": [{\"loss\": [1.5, 0.25], \"acc\": [0.5, null]}], \"empty\": {}}",
                Json.object(sample()));
    }

    @Test
    void prettyIndentsNestedContainersAndKeepsPlainListsOnOneLine() {
        String expected = """
                {
                  "name": "run \\"a\\"\\n",
                  "epochs": 3,
                  "ok": true,
                  "counts": [1, 2],
                  "history": [
                    {
                      "loss": [1.5, 0.25],
                      "acc": [0.5, null]
                    }
                  ],
                  "empty": {}
                }
                """;
        assertEquals(expected, Json.pretty(sample()));
    }
}
