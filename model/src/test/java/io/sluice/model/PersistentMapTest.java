package io.sluice.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PersistentMapTest {

    /**
     * Random puts and removals, keys with equal hashes included: every version holds what a HashMap
     * given the same changes holds, and keeps holding it after later versions were made from it.
     */
    @Test
    void everyVersionHoldsWhatAHashMapWithTheSameChangesHolds() {
        Random random = new Random(3);
        Map<String, Integer> reference = new HashMap<>();
        PersistentMap<Integer> map = PersistentMap.empty();
        List<Map<String, Integer>> references = new ArrayList<>();
        List<PersistentMap<Integer>> versions = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            String key = randomKey(random, step < 10_000 ? 4_000 : 6_000);
            if (random.nextInt(3) == 0) {
                reference.remove(key);
                map = map.without(key);
            } else {
                reference.put(key, step);
                map = map.with(key, step);
            }
            if (step % 1_000 == 0) {
                references.add(Map.copyOf(reference));
                versions.add(map);
            }
        }
        assertEquals(reference, map);
        assertEquals(map, reference);
        assertEquals(reference.hashCode(), map.hashCode());
        for (int v = 0; v < versions.size(); v++) {
            assertEquals(references.get(v), versions.get(v));
            assertEquals(references.get(v).size(), versions.get(v).size());
        }
        for (String key : reference.keySet()) {
            map = map.without(key);
        }
        assertTrue(map.isEmpty());
        assertFalse(map.entrySet().iterator().hasNext());
    }

    /**
     * What two versions differ in is what a key-by-key comparison finds, whether they are a few
     * changes apart (the trie mostly shared) or many.
     */
    @Test
    void changedKeysAreWhatAKeyByKeyComparisonFinds() {
        Random random = new Random(5);
        PersistentMap<Integer> map = PersistentMap.empty();
        Integer[] values = new Integer[100]; // a few distinct objects: identity is what counts
        for (int i = 0; i < values.length; i++) {
            values[i] = Integer.valueOf(100_000 + i);
        }
        for (int i = 0; i < 5_000; i++) {
            map = map.with(randomKey(random, 8_000), values[random.nextInt(values.length)]);
        }
        for (int round = 0; round < 300; round++) {
            PersistentMap<Integer> before = map;
            int changes = round % 10 == 0 ? 2_000 : 1 + random.nextInt(5);
            for (int i = 0; i < changes; i++) {
                String key = randomKey(random, 8_000);
                map = random.nextBoolean() ? map.without(key) : map.with(key, values[random.nextInt(values.length)]);
            }
            assertEquals(keyByKey(before, map), PersistentMap.changedKeys(before, map));
        }
    }

    @Test
    void puttingTheSameObjectOrRemovingAnAbsentKeyChangesNothing() {
        Integer one = 1000;
        PersistentMap<Integer> map = PersistentMap.<Integer>empty().with("a", one).with("Aa", 2).with("BB", 3);
        assertSame(map, map.with("a", one));
        assertSame(map, map.without("absent"));
        assertSame(map, map.without("Ab")); // hash of neither "Aa" nor "BB"
        assertEquals(Set.of("a"), PersistentMap.changedKeys(map, map.with("a", Integer.valueOf(1000))));
        assertEquals(3, map.get("BB"));
        assertNull(map.without("BB").get("BB"));
        assertEquals(2, map.without("BB").get("Aa"));
    }

    private static Set<String> keyByKey(Map<String, Integer> before, Map<String, Integer> after) {
        Set<String> changed = new HashSet<>();
        before.forEach((key, value) -> {
            if (after.get(key) != value) {
                changed.add(key);
            }
        });
        after.keySet().stream().filter(key -> !before.containsKey(key)).forEach(changed::add);
        return changed;
    }

    /**
     * One of {@code n} keys; half are built from "Aa" and "BB", which share a hash code, so that keys
     * of four such pairs collide in full and the trie must keep them apart by name.
     */
    private static String randomKey(Random random, int n) {
        int k = random.nextInt(n);
        if (k % 2 == 0) {
            return "key-" + k;
        }
        StringBuilder sb = new StringBuilder("c").append(k % 97).append('-');
        for (int bits = k / 97, i = 0; i < 4; i++, bits >>= 1) {
            sb.append((bits & 1) == 0 ? "Aa" : "BB");
        }
        return sb.toString();
    }
}
