package io.sluice.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class CompactNodeFactoryTest {

    private static final ObjectMapper DEFAULT = JsonMapper.builder().build();

    static Stream<String> documents() {
        return Stream.of(
                "{}",
                "[]",
                "{\"a\":1}",
                "{\"kind\":\"VirtualService\",\"spec\":{\"hosts\":[\"a\",\"b\"],\"http\":[{\"route\":[{\"destination\":"
                        + "{\"host\":\"r\",\"port\":{\"number\":80}}}]}]},\"metadata\":{\"labels\":{}}}",
                // a duplicate key: the last value wins, in the first key's place
                "{\"a\":1,\"b\":2,\"a\":3}",
                fields(12), // the most a small map holds
                fields(13), // one more: hashed from here on
                fields(200),
                "[{\"x\":[[],{},[{\"y\":null}]]},1.50,\"s\",true]");
    }

    private static String fields(int n) {
        StringBuilder b = new StringBuilder("{");
        IntStream.range(0, n).forEach(i -> b.append(i == 0 ? "" : ",").append("\"k").append(n - i).append("\":")
                .append(i));
        return b.append('}').toString();
    }

    @ParameterizedTest
    @MethodSource("documents")
    void readsWritesAndComparesLikeJacksonsDefaultTrees(String json) throws Exception {
        JsonNode compact = Json.MAPPER.readTree(json);
        JsonNode plain = DEFAULT.readTree(json);
        assertEquals(plain, compact);
        assertEquals(compact, plain);
        assertEquals(plain.hashCode(), compact.hashCode());
        assertEquals(DEFAULT.writeValueAsString(plain), Json.MAPPER.writeValueAsString(compact));
        assertEquals(plain, Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(compact)));
    }

    /** Random puts, removes and iterator removes, checked step by step against a LinkedHashMap. */
    @Test
    void editsKeepOrderAndContentOfALinkedHashMap() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            ObjectNode node = Json.MAPPER.createObjectNode();
            Map<String, JsonNode> model = new LinkedHashMap<>();
            for (int step = 0; step < 60; step++) {
                String key = "k" + random.nextInt(20);
                switch (random.nextInt(4)) {
                    case 0, 1 -> {
                        IntNode v = IntNode.valueOf(step);
                        assertEquals(model.put(key, v), node.replace(key, v));
                    }
                    case 2 -> assertEquals(model.remove(key), node.remove(key));
                    default -> {
                        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
                        Iterator<Map.Entry<String, JsonNode>> expected = model.entrySet().iterator();
                        while (it.hasNext()) {
                            Map.Entry<String, JsonNode> e = it.next();
                            assertEquals(expected.next().getKey(), e.getKey());
                            if (e.getKey().equals(key)) {
                                it.remove();
                                expected.remove();
                            }
                        }
                        assertFalse(expected.hasNext());
                    }
                }
                assertEquals(new ArrayList<>(model.keySet()), names(node));
                assertEquals(model.size(), node.size());
                assertEquals(model.containsKey(key), node.has(key));
                assertEquals(model.get(key), node.get(key));
            }
        }
    }

    @Test
    void retainAndSetAllWorkAcrossTheSwitchToHashing() {
        ObjectNode node = (ObjectNode) Json.MAPPER.createObjectNode().setAll((ObjectNode) DEFAULT.createObjectNode()
                .put("a", 1).put("b", 2));
        for (int i = 0; i < 20; i++) {
            node.put("n" + i, i);
        }
        node.retain("b", "n19", "n3");
        assertEquals(List.of("b", "n3", "n19"), names(node));
        assertTrue(node.path("n3").isInt());
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
