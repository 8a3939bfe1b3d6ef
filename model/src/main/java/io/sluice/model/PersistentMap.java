package io.sluice.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An immutable map from names to values whose {@link #with} and {@link #without} make a new map in a
 * few allocations and share everything else with this one (a hash array mapped trie, as Clojure's and
 * Scala's maps). A topic store publishes a new view of ten thousand resources after every record
 * this way, where a copy would cost a pass over all of them; and {@link #changedKeys} finds what two
 * views of one store differ in by walking only the parts they do not share.
 *
 * <p>Values compare by identity, as the stores hand them out: a key whose record was read again is
 * changed, even if the value decoded is equal.
 */
public final class PersistentMap<V> extends AbstractMap<String, V> {

    private static final int BITS = 5;
    private static final PersistentMap<?> EMPTY = new PersistentMap<>(new Branch(0, new Object[0]), 0);

    /** A trie level: one slot per set bit of {@code bitmap}, each a {@link Leaf}, a {@link Collision} or a deeper branch. */
    private record Branch(int bitmap, Object[] slots) {
    }

    /** Keys whose hashes are all equal, so no level of the trie tells them apart. */
    private record Collision(int hash, Leaf<?>[] leaves) {
    }

    private static final class Leaf<V> extends SimpleImmutableEntry<String, V> {
        final int hash;

        Leaf(String key, int hash, V value) {
            super(key, value);
            this.hash = hash;
        }
    }

    private final Branch root;
    private final int size;

    private PersistentMap(Branch root, int size) {
        this.root = root;
        this.size = size;
    }

    @SuppressWarnings("unchecked")
    public static <V> PersistentMap<V> empty() {
        return (PersistentMap<V>) EMPTY;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public V get(Object key) {
        Leaf<V> leaf = key instanceof String k ? find(k) : null;
        return leaf == null ? null : leaf.getValue();
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String k && find(k) != null;
    }

    /** This map with {@code key} mapped to {@code value}; this map itself when it already maps it to that very object. */
    public PersistentMap<V> with(String key, V value) {
        Objects.requireNonNull(value, "value");
        int hash = hash(key);
        Branch next = put(root, new Leaf<>(key, hash, value), 0);
        return next == root ? this : new PersistentMap<>(next, find(key) == null ? size + 1 : size);
    }

    /** This map without {@code key}; this map itself when it has no such key. */
    public PersistentMap<V> without(String key) {
        if (find(key) == null) {
            return this;
        }
        return new PersistentMap<>(remove(root, key, hash(key), 0), size - 1);
    }

    /**
     * The keys added, removed or mapped to another object from {@code before} to {@code after}. Parts
     * of the trie the two share are skipped, so two views of one store a few records apart cost those
     * records, not their size.
     */
    public static <V> Set<String> changedKeys(PersistentMap<V> before, PersistentMap<V> after) {
        Set<String> changed = new HashSet<>();
        diff(before.root, after.root, changed);
        return changed;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super V> action) {
        for (Leaf<V> leaf : (Iterable<Leaf<V>>) () -> new Walk<>(root)) {
            action.accept(leaf.getKey(), leaf.getValue());
        }
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            @SuppressWarnings({"unchecked", "rawtypes"})
            public Iterator<Entry<String, V>> iterator() {
                return (Iterator) new Walk<V>(root);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    private static int hash(String key) {
        int h = key.hashCode();
        return h ^ (h >>> 16);
    }

    private static int index(int bitmap, int bit) {
        return Integer.bitCount(bitmap & (bit - 1));
    }

    @SuppressWarnings("unchecked")
    private Leaf<V> find(String key) {
        int hash = hash(key);
        Branch b = root;
        for (int shift = 0; ; shift += BITS) {
            int bit = 1 << ((hash >>> shift) & 31);
            if ((b.bitmap & bit) == 0) {
                return null;
            }
            Object slot = b.slots[index(b.bitmap, bit)];
            if (slot instanceof Branch deeper) {
                b = deeper;
            } else if (slot instanceof Leaf<?> leaf) {
                return leaf.getKey().equals(key) ? (Leaf<V>) leaf : null;
            } else {
                Collision c = (Collision) slot;
                for (Leaf<?> leaf : c.leaves()) {
                    if (leaf.getKey().equals(key)) {
                        return (Leaf<V>) leaf;
                    }
                }
                return null;
            }
        }
    }

    private static Branch put(Branch b, Leaf<?> leaf, int shift) {
        int bit = 1 << ((leaf.hash >>> shift) & 31);
        int i = index(b.bitmap, bit);
        if ((b.bitmap & bit) == 0) {
            Object[] slots = new Object[b.slots.length + 1];
            System.arraycopy(b.slots, 0, slots, 0, i);
            slots[i] = leaf;
            System.arraycopy(b.slots, i, slots, i + 1, b.slots.length - i);
            return new Branch(b.bitmap | bit, slots);
        }
        Object slot = b.slots[i];
        Object next;
        if (slot instanceof Branch deeper) {
            next = put(deeper, leaf, shift + BITS);
        } else if (slot instanceof Leaf<?> old) {
            if (old.getKey().equals(leaf.getKey())) {
                next = old.getValue() == leaf.getValue() ? old : leaf;
            } else {
                next = old.hash == leaf.hash ? new Collision(old.hash, new Leaf<?>[] {old, leaf})
                        : pair(old, old.hash, leaf, shift + BITS);
            }
        } else {
            Collision c = (Collision) slot;
            next = c.hash() == leaf.hash ? collisionWith(c, leaf) : pair(c, c.hash(), leaf, shift + BITS);
        }
        if (next == slot) {
            return b;
        }
        Object[] slots = b.slots.clone();
        slots[i] = next;
        return new Branch(b.bitmap, slots);
    }

    /** A branch holding {@code a} (a leaf or collision with hash {@code aHash}) and {@code leaf}, whose hashes differ. */
    private static Branch pair(Object a, int aHash, Leaf<?> leaf, int shift) {
        int ia = (aHash >>> shift) & 31;
        int ib = (leaf.hash >>> shift) & 31;
        if (ia == ib) {
            return new Branch(1 << ia, new Object[] {pair(a, aHash, leaf, shift + BITS)});
        }
        return new Branch((1 << ia) | (1 << ib), ia < ib ? new Object[] {a, leaf} : new Object[] {leaf, a});
    }

    private static Collision collisionWith(Collision c, Leaf<?> leaf) {
        Leaf<?>[] leaves = c.leaves();
        for (int i = 0; i < leaves.length; i++) {
            if (leaves[i].getKey().equals(leaf.getKey())) {
                if (leaves[i].getValue() == leaf.getValue()) {
                    return c;
                }
                Leaf<?>[] next = leaves.clone();
                next[i] = leaf;
                return new Collision(c.hash(), next);
            }
        }
        Leaf<?>[] next = new Leaf<?>[leaves.length + 1];
        System.arraycopy(leaves, 0, next, 0, leaves.length);
        next[leaves.length] = leaf;
        return new Collision(c.hash(), next);
    }

    /** {@code b} without {@code key}, which it holds; a branch left with one leaf or collision is replaced by it in its parent. */
    private static Branch remove(Branch b, String key, int hash, int shift) {
        int bit = 1 << ((hash >>> shift) & 31);
        int i = index(b.bitmap, bit);
        Object slot = b.slots[i];
        Object next;
        if (slot instanceof Branch deeper) {
            Branch smaller = remove(deeper, key, hash, shift + BITS);
            boolean single = smaller.slots.length == 1 && !(smaller.slots[0] instanceof Branch);
            next = smaller.slots.length == 0 ? null : single ? smaller.slots[0] : smaller;
        } else if (slot instanceof Leaf<?>) {
            next = null;
        } else {
            Leaf<?>[] leaves = ((Collision) slot).leaves();
            Leaf<?>[] rest = new Leaf<?>[leaves.length - 1];
            int r = 0;
            for (Leaf<?> leaf : leaves) {
                if (!leaf.getKey().equals(key)) {
                    rest[r++] = leaf;
                }
            }
            next = rest.length == 1 ? rest[0] : new Collision(hash, rest);
        }
        if (next != null) {
            Object[] slots = b.slots.clone();
            slots[i] = next;
            return new Branch(b.bitmap, slots);
        }
        Object[] slots = new Object[b.slots.length - 1];
        System.arraycopy(b.slots, 0, slots, 0, i);
        System.arraycopy(b.slots, i + 1, slots, i, slots.length - i);
        return new Branch(b.bitmap & ~bit, slots);
    }

    /** Adds the keys in which two slots at the same place of two tries differ; either may be null (nothing there). */
    private static void diff(Object a, Object b, Set<String> out) {
        if (a == b) {
            return;
        }
        if (a instanceof Branch x && b instanceof Branch y) {
            int both = x.bitmap | y.bitmap;
            while (both != 0) {
                int bit = Integer.lowestOneBit(both);
                both &= ~bit;
                diff((x.bitmap & bit) == 0 ? null : x.slots[index(x.bitmap, bit)],
                        (y.bitmap & bit) == 0 ? null : y.slots[index(y.bitmap, bit)], out);
            }
            return;
        }
        // a leaf or collision against anything: what is under each side, compared by key
        Map<String, Object> before = entries(a);
        Map<String, Object> after = entries(b);
        before.forEach((key, value) -> {
            if (after.get(key) != value) {
                out.add(key);
            }
        });
        after.keySet().forEach(key -> {
            if (!before.containsKey(key)) {
                out.add(key);
            }
        });
    }

    private static Map<String, Object> entries(Object slot) {
        Map<String, Object> out = new HashMap<>();
        if (slot instanceof Branch b) {
            new Walk<>(b).forEachRemaining(leaf -> out.put(leaf.getKey(), leaf.getValue()));
        } else if (slot instanceof Leaf<?> leaf) {
            out.put(leaf.getKey(), leaf.getValue());
        } else if (slot instanceof Collision c) {
            for (Leaf<?> leaf : c.leaves()) {
                out.put(leaf.getKey(), leaf.getValue());
            }
        }
        return out;
    }

    /** Depth-first over the trie's leaves: one frame per level, at most seven for 32-bit hashes. */
    private static final class Walk<V> implements Iterator<Leaf<V>> {
        private final Object[][] frames = new Object[8][];
        private final int[] positions = new int[8];
        private int depth;
        private Leaf<?>[] collision;
        private int inCollision;
        private Leaf<V> next;

        Walk(Branch root) {
            frames[0] = root.slots();
            advance();
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Leaf<V> next() {
            Leaf<V> out = next;
            if (out == null) {
                throw new NoSuchElementException();
            }
            advance();
            return out;
        }

        @SuppressWarnings("unchecked")
        private void advance() {
            while (true) {
                if (collision != null) {
                    if (inCollision < collision.length) {
                        next = (Leaf<V>) collision[inCollision++];
                        return;
                    }
                    collision = null;
                }
                if (depth < 0) {
                    next = null;
                    return;
                }
                Object[] slots = frames[depth];
                if (positions[depth] == slots.length) {
                    depth--;
                    continue;
                }
                Object slot = slots[positions[depth]++];
                if (slot instanceof Leaf<?> leaf) {
                    next = (Leaf<V>) leaf;
                    return;
                } else if (slot instanceof Collision c) {
                    collision = c.leaves();
                    inCollision = 0;
                } else {
                    depth++;
                    frames[depth] = ((Branch) slot).slots();
                    positions[depth] = 0;
                }
            }
        }
    }
}
