package io.sluice.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An immutable map from names to values, laid out for lookups that miss the CPU caches: open
 * addressing over one {@code int[]} holding each slot's hash, key position and value index, the keys'
 * characters packed into one {@code char[]}. A hit costs about three cache misses (slot, key
 * characters, value) where a map of {@code String} keys costs five or more (bucket, entry, key, its
 * bytes, value), and probing a suffix of a name needs no substring.
 */
final class PackedNames<T> {

    /** Ints per slot: hash, value index + 1 (0 = empty), key start, key length. */
    private static final int SLOT = 4;

    private final int[] slots;
    private final int mask;
    private final char[] keys;
    private final Object[] values;

    private PackedNames(int[] slots, char[] keys, Object[] values) {
        this.slots = slots;
        this.mask = slots.length / SLOT - 1;
        this.keys = keys;
        this.values = values;
    }

    /** @param byName distinct names and their values */
    static <T> PackedNames<T> of(Collection<? extends Map.Entry<String, T>> byName) {
        int capacity = Integer.highestOneBit(Math.max(2, byName.size() * 2 - 1)) << 1; // load ≤ ½
        int[] slots = new int[capacity * SLOT];
        StringBuilder keys = new StringBuilder();
        Object[] values = new Object[byName.size()];
        int index = 0;
        for (var e : byName) {
            String name = e.getKey();
            int h = name.hashCode();
            int slot = spread(h) & (capacity - 1);
            while (slots[slot * SLOT + 1] != 0) {
                slot = (slot + 1) & (capacity - 1);
            }
            slots[slot * SLOT] = h;
            slots[slot * SLOT + 1] = index + 1;
            slots[slot * SLOT + 2] = keys.length();
            slots[slot * SLOT + 3] = name.length();
            keys.append(name);
            values[index++] = e.getValue();
        }
        char[] packed = new char[keys.length()];
        keys.getChars(0, packed.length, packed, 0);
        return new PackedNames<>(slots, packed, values);
    }

    /** {@link String#hashCode()} of {@code s.substring(from)}, without making it. */
    static int hash(String s, int from) {
        int h = 0;
        for (int i = from; i < s.length(); i++) {
            h = 31 * h + s.charAt(i);
        }
        return h;
    }

    /**
     * The value for {@code s.substring(from)}, or null.
     *
     * @param hash {@link #hash(String, int)} of the same characters ({@code s.hashCode()} when {@code from} is 0)
     */
    @SuppressWarnings("unchecked")
    T get(String s, int from, int hash) {
        int length = s.length() - from;
        for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
            int at = slot * SLOT;
            int index = slots[at + 1];
            if (index == 0) {
                return null;
            }
            if (slots[at] == hash && slots[at + 3] == length && sameChars(s, from, slots[at + 2], length)) {
                return (T) values[index - 1];
            }
        }
    }

    /** The values, in no particular order. */
    @SuppressWarnings("unchecked")
    List<T> values() {
        return (List<T>) Collections.unmodifiableList(Arrays.asList(values));
    }

    boolean isEmpty() {
        return values.length == 0;
    }

    List<String> names() {
        List<String> out = new ArrayList<>(values.length);
        for (int at = 0; at < slots.length; at += SLOT) {
            if (slots[at + 1] != 0) {
                out.add(new String(keys, slots[at + 2], slots[at + 3]));
            }
        }
        return out;
    }

    private boolean sameChars(String s, int from, int start, int length) {
        for (int i = 0; i < length; i++) {
            if (s.charAt(from + i) != keys[start + i]) {
                return false;
            }
        }
        return true;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }
}
