package io.sluice.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serial;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * JSON trees that cost a third of Jackson's default: a gateway keeps every stored resource as a tree,
 * and a Kubernetes object is mostly objects of one to four fields, for which a {@link LinkedHashMap}
 * (map, 16-slot table, one entry object per field) is ~220 bytes. Objects here keep their fields in
 * one array in insertion order ({@link SmallMap}) until they grow past {@link SmallMap#LINEAR_MAX},
 * then in a {@link LinkedHashMap}, so lookups never degrade to a long scan. Arrays start at the size
 * of one element instead of ten. The nodes are Jackson's own {@link ObjectNode} and {@link ArrayNode}:
 * equality, serialization and every accessor behave as with the default factory.
 */
final class CompactNodeFactory extends JsonNodeFactory {

    @Serial
    private static final long serialVersionUID = 1L;

    static final CompactNodeFactory INSTANCE = new CompactNodeFactory();

    private CompactNodeFactory() {
        super();
    }

    @Override
    public ObjectNode objectNode() {
        return new ObjectNode(this, new SmallMap());
    }

    @Override
    public ArrayNode arrayNode() {
        return new ArrayNode(this, new ArrayList<>(1));
    }

    @Override
    public ArrayNode arrayNode(int capacity) {
        return new ArrayNode(this, new ArrayList<>(capacity));
    }

    /** An insertion-ordered map of a JSON object's fields: keys and values side by side in one array. */
    static final class SmallMap extends AbstractMap<String, JsonNode> {

        /** Past this many fields a lookup hashes instead of scanning. */
        static final int LINEAR_MAX = 12;

        /** key0, value0, key1, value1, … ; null once {@link #large} took over. */
        private Object[] slots = new Object[2];
        private int size;
        private LinkedHashMap<String, JsonNode> large;

        @Override
        public int size() {
            return large != null ? large.size() : size;
        }

        @Override
        public boolean containsKey(Object key) {
            return large != null ? large.containsKey(key) : indexOf(key) >= 0;
        }

        @Override
        public JsonNode get(Object key) {
            if (large != null) {
                return large.get(key);
            }
            int i = indexOf(key);
            return i < 0 ? null : (JsonNode) slots[i + 1];
        }

        @Override
        public JsonNode put(String key, JsonNode value) {
            Objects.requireNonNull(key, "key");
            if (large != null) {
                return large.put(key, value);
            }
            int i = indexOf(key);
            if (i >= 0) {
                JsonNode old = (JsonNode) slots[i + 1];
                slots[i + 1] = value;
                return old;
            }
            if (size == LINEAR_MAX) {
                large = new LinkedHashMap<>(this);
                slots = null;
                return large.put(key, value);
            }
            if (2 * size == slots.length) {
                slots = Arrays.copyOf(slots, Math.min(4 * size, 2 * LINEAR_MAX));
            }
            slots[2 * size] = key;
            slots[2 * size + 1] = value;
            size++;
            return null;
        }

        @Override
        public JsonNode remove(Object key) {
            if (large != null) {
                return large.remove(key);
            }
            int i = indexOf(key);
            if (i < 0) {
                return null;
            }
            JsonNode old = (JsonNode) slots[i + 1];
            removeAt(i);
            return old;
        }

        @Override
        public void clear() {
            if (large != null) {
                large.clear();
                return;
            }
            Arrays.fill(slots, null);
            size = 0;
        }

        @Override
        public Set<Entry<String, JsonNode>> entrySet() {
            return large != null ? large.entrySet() : new Entries();
        }

        private int indexOf(Object key) {
            for (int i = 0; i < 2 * size; i += 2) {
                if (slots[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }

        private void removeAt(int i) {
            System.arraycopy(slots, i + 2, slots, i, 2 * size - i - 2);
            size--;
            slots[2 * size] = null;
            slots[2 * size + 1] = null;
        }

        /** A view over the array; its iterator removes through to the map. */
        private final class Entries extends AbstractSet<Entry<String, JsonNode>> {

            @Override
            public int size() {
                return SmallMap.this.size();
            }

            @Override
            public Iterator<Entry<String, JsonNode>> iterator() {
                return new Iterator<>() {
                    private int next;
                    private int last = -1;

                    @Override
                    public boolean hasNext() {
                        return next < 2 * size;
                    }

                    @Override
                    public Entry<String, JsonNode> next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        last = next;
                        next += 2;
                        return new Field(last);
                    }

                    @Override
                    public void remove() {
                        if (last < 0) {
                            throw new IllegalStateException();
                        }
                        removeAt(last);
                        next = last;
                        last = -1;
                    }
                };
            }
        }

        /** One field, reading and writing the array slot it was found at. */
        private final class Field implements Entry<String, JsonNode> {

            private final int index;

            Field(int index) {
                this.index = index;
            }

            @Override
            public String getKey() {
                return (String) slots[index];
            }

            @Override
            public JsonNode getValue() {
                return (JsonNode) slots[index + 1];
            }

            @Override
            public JsonNode setValue(JsonNode value) {
                JsonNode old = getValue();
                slots[index + 1] = value;
                return old;
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Entry<?, ?> e && getKey().equals(e.getKey())
                        && Objects.equals(getValue(), e.getValue());
            }

            @Override
            public int hashCode() {
                return getKey().hashCode() ^ Objects.hashCode(getValue());
            }

            @Override
            public String toString() {
                return getKey() + "=" + getValue();
            }
        }
    }
}
