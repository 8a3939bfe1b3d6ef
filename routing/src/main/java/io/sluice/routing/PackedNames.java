package io.sluice.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable map from names to values, laid out for lookups that miss the CPU caches: open
 * addressing over pages of {@code int}s holding each slot's hash, key position and value index, the
 * keys' characters packed into one {@code char[]}. A hit costs about three cache misses (slot, key
 * characters, value) where a map of {@code String} keys costs five or more (bucket, entry, key, its
 * bytes, value), and probing a suffix of a name needs no substring.
 *
 * <p>A gateway changes a few names of ten thousand at a time, so {@link #with} makes the next map
 * without re-packing: it copies just the pages of slots it changes (4 KB each, where one array of
 * 10 000 names' slots is 512 KB, which G1 would allocate outside its young generation at every change),
 * and appends new keys and values behind the used part of the key and value arrays, which the versions
 * share. A version reads only what was written when it was made, so appending never changes what an
 * older one, still serving requests in flight, finds. Replaced values stay in the shared arrays until
 * there are as many as a quarter of the live ones; then the next change re-packs.
 */
final class PackedNames<T> {

    /** Ints per slot: hash, value index + 1 (0 = empty), key start, key length. */
    private static final int SLOT = 4;
    /** At most 256 slots a page: 4 KB. */
    private static final int MAX_PAGE_BITS = 8;

    private final int[][] pages;
    private final int pageBits;
    private final int mask;
    /** The tail's arrays, held here too: a lookup reads them without a hop through the tail. */
    private final char[] keys;
    private final Object[] values;
    private final Tail tail;
    /** How much of the shared arrays this version uses: what it may read, and where the next appends. */
    private final int keysUsed;
    private final int valuesUsed;
    private final int size;

    /**
     * The key and value arrays all versions made by {@link #with} from one {@link #of} share. Only the
     * version that wrote last may append to them; any other re-packs instead, so two versions made from
     * the same one never write the same place.
     */
    private static final class Tail {
        final char[] keys;
        final Object[] values;
        int keysEnd;
        int valuesEnd;

        Tail(int chars, int values) {
            this.keys = new char[chars];
            this.values = new Object[values];
        }
    }

    private PackedNames(int[][] pages, int pageBits, Tail tail, int size) {
        this.pages = pages;
        this.pageBits = pageBits;
        this.mask = (pages.length << pageBits) - 1;
        this.keys = tail.keys;
        this.values = tail.values;
        this.tail = tail;
        this.keysUsed = tail.keysEnd;
        this.valuesUsed = tail.valuesEnd;
        this.size = size;
    }

    /** @param byName distinct names and their values */
    static <T> PackedNames<T> of(Collection<? extends Map.Entry<String, T>> byName) {
        int capacity = Integer.highestOneBit(Math.max(2, byName.size() * 2 - 1)) << 1; // load ≤ ½
        int pageBits = Math.min(MAX_PAGE_BITS, Integer.numberOfTrailingZeros(capacity));
        int[][] pages = new int[capacity >>> pageBits][SLOT << pageBits];
        int chars = 0;
        for (var e : byName) {
            chars += e.getKey().length();
        }
        // room to append: a quarter more values than live (when a re-pack is due) and keys to match
        Tail tail = new Tail(chars + chars / 4 + 16, byName.size() + byName.size() / 4 + 4);
        for (var e : byName) {
            append(pages, pageBits, capacity - 1, tail, e.getKey(), e.getValue());
        }
        return new PackedNames<>(pages, pageBits, tail, byName.size());
    }

    /**
     * This map with {@code changes} applied: a name mapped to null is removed, any other is put.
     * Costs the changes and a copy of the pages they touch, not a pass over the names, until enough
     * values were replaced that the arrays are re-packed.
     */
    PackedNames<T> with(Map<String, T> changes) {
        int added = 0;
        int chars = 0;
        for (String name : changes.keySet()) {
            if (find(pages, pageBits, mask, keys, name) < 0) {
                added++;
                chars += name.length();
            }
        }
        int live = size + added;
        if (live * 2 > mask + 1 || valuesUsed - size + changes.size() > Math.max(16, live / 4)) {
            return repacked(changes);
        }
        synchronized (tail) {
            if (tail.keysEnd != keysUsed || tail.valuesEnd != valuesUsed
                    || values.length - valuesUsed < changes.size() || keys.length - keysUsed < chars) {
                return repacked(changes); // another version appended here first, or there is no room
            }
            int[][] next = pages.clone();
            boolean[] copied = new boolean[pages.length];
            int count = size;
            for (var e : changes.entrySet()) {
                String name = e.getKey();
                int slot = find(next, pageBits, mask, keys, name);
                if (slot >= 0 || e.getValue() != null) {
                    copyRun(next, copied, slot >= 0 ? slot : home(name.hashCode(), mask));
                }
                if (e.getValue() == null) {
                    if (slot >= 0) {
                        delete(next, pageBits, mask, slot);
                        count--;
                    }
                } else if (slot >= 0) { // the same name: keep its characters, point at the new value
                    page(next, pageBits, slot)[offset(pageBits, slot) + 1] = tail.valuesEnd + 1;
                    values[tail.valuesEnd++] = e.getValue();
                } else {
                    append(next, pageBits, mask, tail, name, e.getValue());
                    count++;
                }
            }
            return new PackedNames<>(next, pageBits, tail, count);
        }
    }

    private PackedNames<T> repacked(Map<String, T> changes) {
        Map<String, T> all = new HashMap<>(asMap());
        changes.forEach((name, value) -> {
            if (value == null) {
                all.remove(name);
            } else {
                all.put(name, value);
            }
        });
        return of(all.entrySet());
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
        for (int slot = home(hash, mask); ; slot = (slot + 1) & mask) {
            int[] page = pages[slot >>> pageBits];
            int at = offset(pageBits, slot);
            int index = page[at + 1];
            if (index == 0) {
                return null;
            }
            if (page[at] == hash && page[at + 3] == length && sameChars(keys, s, from, page[at + 2], length)) {
                return (T) values[index - 1];
            }
        }
    }

    /** The live values, in no particular order. */
    @SuppressWarnings("unchecked")
    List<T> values() {
        List<T> out = new ArrayList<>(size);
        for (int[] page : pages) {
            for (int at = 0; at < page.length; at += SLOT) {
                if (page[at + 1] != 0) {
                    out.add((T) values[page[at + 1] - 1]);
                }
            }
        }
        return out;
    }

    boolean isEmpty() {
        return size == 0;
    }

    List<String> names() {
        return new ArrayList<>(asMap().keySet());
    }

    @SuppressWarnings("unchecked")
    private Map<String, T> asMap() {
        Map<String, T> out = new HashMap<>(size * 2);
        for (int[] page : pages) {
            for (int at = 0; at < page.length; at += SLOT) {
                if (page[at + 1] != 0) {
                    out.put(new String(keys, page[at + 2], page[at + 3]), (T) values[page[at + 1] - 1]);
                }
            }
        }
        return out;
    }

    private static int[] page(int[][] pages, int pageBits, int slot) {
        return pages[slot >>> pageBits];
    }

    private static int offset(int pageBits, int slot) {
        return (slot & ((1 << pageBits) - 1)) * SLOT;
    }

    private static int home(int hash, int mask) {
        return (hash ^ (hash >>> 16)) & mask;
    }

    /**
     * Copies, once per change, the pages a write from {@code slot} on may touch: up to the empty slot
     * that ends its probe run, where an insert lands and a removal's shifting stops.
     */
    private void copyRun(int[][] next, boolean[] copied, int slot) {
        for (int s = slot; ; s = (s + 1) & mask) {
            int p = s >>> pageBits;
            if (!copied[p]) {
                next[p] = pages[p].clone();
                copied[p] = true;
            }
            if (next[p][offset(pageBits, s) + 1] == 0) {
                return;
            }
        }
    }

    /** The slot holding {@code name}, or -1. */
    private static int find(int[][] pages, int pageBits, int mask, char[] keys, String name) {
        int h = name.hashCode();
        for (int slot = home(h, mask); ; slot = (slot + 1) & mask) {
            int[] page = page(pages, pageBits, slot);
            int at = offset(pageBits, slot);
            if (page[at + 1] == 0) {
                return -1;
            }
            if (page[at] == h && page[at + 3] == name.length() && sameChars(keys, name, 0, page[at + 2], name.length())) {
                return slot;
            }
        }
    }

    /** Puts an absent name into the first empty slot of its probe run, its characters and value behind the tail's. */
    private static void append(int[][] pages, int pageBits, int mask, Tail tail, String name, Object value) {
        int slot = home(name.hashCode(), mask);
        while (page(pages, pageBits, slot)[offset(pageBits, slot) + 1] != 0) {
            slot = (slot + 1) & mask;
        }
        int[] page = page(pages, pageBits, slot);
        int at = offset(pageBits, slot);
        page[at] = name.hashCode();
        page[at + 1] = tail.valuesEnd + 1;
        page[at + 2] = tail.keysEnd;
        page[at + 3] = name.length();
        name.getChars(0, name.length(), tail.keys, tail.keysEnd);
        tail.keysEnd += name.length();
        tail.values[tail.valuesEnd++] = value;
    }

    /**
     * Empties a slot and moves later entries of its probe run back into the gap (Knuth's algorithm R),
     * so that lookups can keep stopping at the first empty slot: no tombstones.
     */
    private static void delete(int[][] pages, int pageBits, int mask, int slot) {
        int gap = slot;
        for (int next = (gap + 1) & mask; ; next = (next + 1) & mask) {
            int[] from = page(pages, pageBits, next);
            int at = offset(pageBits, next);
            if (from[at + 1] == 0) {
                break;
            }
            int home = home(from[at], mask);
            // the entry may fill the gap unless its home lies cyclically in (gap, next]
            boolean stays = gap <= next ? gap < home && home <= next : gap < home || home <= next;
            if (!stays) {
                System.arraycopy(from, at, page(pages, pageBits, gap), offset(pageBits, gap), SLOT);
                gap = next;
            }
        }
        page(pages, pageBits, gap)[offset(pageBits, gap) + 1] = 0;
    }

    private static boolean sameChars(char[] keys, String s, int from, int start, int length) {
        for (int i = 0; i < length; i++) {
            if (s.charAt(from + i) != keys[start + i]) {
                return false;
            }
        }
        return true;
    }
}
