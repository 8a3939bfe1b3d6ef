package io.sluice.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderListTest {

    private static List<String> fields(HeaderList h) {
        List<String> out = new ArrayList<>();
        h.forEach((n, v) -> out.add(n + ": " + v));
        return out;
    }

    @Test
    void leavesOutFieldsThatWouldBreakTheFraming() {
        HeaderList h = new HeaderList().add("a", "1").add("", "x").add("b", "x\r\nInjected: y").add("c", "x\ny")
                .add("d\r", "x").add("e", "nul\0").add("f", "2");
        assertEquals(List.of("a: 1", "f: 2"), fields(h));
    }

    @Test
    void setAndRemoveKeepTheOtherFieldsInOrder() {
        HeaderList h = new HeaderList().add("A", "1").add("b", "2").add("a", "3").add("c", "4");
        h.remove("a");
        assertEquals(List.of("b: 2", "c: 4"), fields(h));
        h.set("B", "5");
        assertEquals(List.of("c: 4", "B: 5"), fields(h));
        assertEquals("5", h.first("b"));
        assertNull(h.first("a"));
    }

    @Test
    void growsPastItsInitialCapacity() {
        HeaderList h = new HeaderList();
        for (int i = 0; i < 40; i++) {
            h.add("x-" + i, Integer.toString(i));
        }
        assertEquals(40, h.size());
        assertEquals("x-39", h.name(39));
        assertEquals("39", h.value(39));
    }

    @Test
    void copyWithoutDropsOnlyTheNamedFields() {
        HeaderList h = new HeaderList().add("Connection", "close").add("Content-Type", "text/plain").add("X-A", "1");
        HeaderList copy = h.copyWithout(n -> n.equalsIgnoreCase("connection"));
        assertEquals(List.of("Content-Type: text/plain", "X-A: 1"), fields(copy));
        copy.add("x-b", "2");
        assertEquals(3, h.size(), "the copy is independent");
    }
}
