package io.sluice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.HashSet;
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
