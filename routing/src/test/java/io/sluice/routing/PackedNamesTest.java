package io.sluice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PackedNamesTest {

    /** Random names, colliding hashes included, looked up whole and as suffixes, against a HashMap. */
    @Test
    void findsWhatAHashMapFinds() {
        Random random = new Random(7);
        for (int size : new int[] {0, 1, 2, 3, 100, 10_000}) {
            Map<String, Integer> reference = new HashMap<>();
            while (reference.size() < size) {
                reference.put(randomName(random), reference.size());
            }
            reference.put("Aa", -1); // "Aa" and "BB" share a hash code
            PackedNames<Integer> packed = PackedNames.of(reference.entrySet());
            assertEquals(new HashSet<>(reference.keySet()), new HashSet<>(packed.names()));
            for (int i = 0; i < 20_000; i++) {
                String s = random.nextInt(3) == 0 ? "x." + randomName(random) : randomName(random);
                int from = s.startsWith("x.") ? 1 : 0;
                assertEquals(reference.get(s.substring(from)), packed.get(s, from, PackedNames.hash(s, from)), s);
            }
            assertEquals(null, packed.get("BB", 0, "BB".hashCode()));
        }
    }

    /**
     * Batches of puts and removals applied one version after the other: each version finds what a
     * HashMap with the same changes finds, and every older version still finds what it found when made
     * (requests in flight keep reading the table they started with).
     */
    @Test
    void changedVersionsFindWhatAHashMapFindsAndOlderVersionsStayAsTheyWere() {
        Random random = new Random(11);
        Map<String, Integer> reference = new HashMap<>();
        PackedNames<Integer> packed = PackedNames.of(reference.entrySet());
        List<Map<String, Integer>> references = new ArrayList<>();
        List<PackedNames<Integer>> versions = new ArrayList<>();
        for (int step = 0; step < 3_000; step++) {
            Map<String, Integer> changes = new HashMap<>();
            int n = step < 100 ? 50 : 1 + random.nextInt(4); // grow first, then change a few at a time
            for (int i = 0; i < n; i++) {
                String name = randomName(random);
                Integer value = random.nextInt(4) == 0 ? null : step * 10 + i;
                changes.put(name, value);
                if (value == null) {
                    reference.remove(name);
                } else {
                    reference.put(name, value);
                }
            }
            packed = packed.with(changes);
            if (step % 100 == 0) {
                references.add(Map.copyOf(reference));
                versions.add(packed);
            }
            if (step % 10 == 0) {
                assertSameContent(reference, packed);
            }
            for (var c : changes.entrySet()) {
                assertEquals(c.getValue(), packed.get(c.getKey(), 0, c.getKey().hashCode()), c.getKey());
            }
        }
        for (int v = 0; v < versions.size(); v++) {
            assertSameContent(references.get(v), versions.get(v));
        }
    }

    /** Two versions made from the same one do not write over each other's appended names. */
    @Test
    void versionsMadeFromTheSameOneStayApart() {
        Map<String, Integer> base = new HashMap<>();
        for (int i = 0; i < 1_000; i++) {
            base.put("host" + i + ".example.com", i);
        }
        PackedNames<Integer> parent = PackedNames.of(base.entrySet());
        PackedNames<Integer> a = parent.with(Map.of("a.example.com", -1));
        PackedNames<Integer> b = parent.with(Map.of("bb.example.com", -2));
        assertEquals(-1, a.get("a.example.com", 0, "a.example.com".hashCode()));
        assertNull(a.get("bb.example.com", 0, "bb.example.com".hashCode()));
        assertEquals(-2, b.get("bb.example.com", 0, "bb.example.com".hashCode()));
        assertNull(b.get("a.example.com", 0, "a.example.com".hashCode()));
        assertNull(parent.get("a.example.com", 0, "a.example.com".hashCode()));
        assertEquals(999, b.get("host999.example.com", 0, "host999.example.com".hashCode()));
    }

    private static void assertSameContent(Map<String, Integer> expected, PackedNames<Integer> packed) {
        assertEquals(expected.keySet(), new HashSet<>(packed.names()));
        assertEquals(new HashSet<>(expected.values()), new HashSet<>(packed.values()));
        assertEquals(expected.isEmpty(), packed.isEmpty());
        expected.forEach((name, value) -> assertEquals(value, packed.get(name, 0, name.hashCode()), name));
    }

    @ParameterizedTest
    @CsvSource({"a.example.com, 0", "x.a.example.com, 1", "a.example.com, 1", "a.example.com, 13"})
    void hashesASuffixAsStringDoes(String s, int from) {
        assertEquals(s.substring(from).hashCode(), PackedNames.hash(s, from));
    }

    private static String randomName(Random random) {
        StringBuilder sb = new StringBuilder();
        int labels = 1 + random.nextInt(3);
        for (int l = 0; l < labels; l++) {
            if (l > 0) {
                sb.append('.');
            }
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                sb.append((char) ('a' + random.nextInt(3)));
            }
        }
        return sb.toString();
    }
}
