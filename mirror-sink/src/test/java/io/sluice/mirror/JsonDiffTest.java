package io.sluice.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.model.Json;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonDiffTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            equal documents             | {"a":1,"b":[1,2]}           | {"b":[1,2],"a":1}           |                  | ''
            changed field               | {"a":1,"b":2}               | {"a":1,"b":3}               |                  | /b: 2 -> 3
            missing field               | {"a":1,"b":2}               | {"a":1}                     |                  | /b: 2 -> (absent)
            added field                 | {"a":1}                     | {"a":1,"c":true}            |                  | /c: (absent) -> true
            nested field                | {"o":{"p":{"q":"x"}}}       | {"o":{"p":{"q":"y"}}}       |                  | /o/p/q: "x" -> "y"
            array element               | {"l":[1,2,3]}               | {"l":[1,5,3]}               |                  | /l/1: 2 -> 5
            longer array                | {"l":[1]}                   | {"l":[1,2]}                 |                  | /l/1: (absent) -> 2
            type change                 | {"a":"1"}                   | {"a":1}                     |                  | /a: "1" -> 1
            name escaped per RFC 6901   | {"a/b":1}                   | {"a/b":2}                   |                  | /a~1b: 1 -> 2
            ignored by name anywhere    | {"t":1,"o":{"t":2},"x":1}   | {"t":9,"o":{"t":8},"x":2}   | t                | /x: 1 -> 2
            ignored by pointer only     | {"t":1,"o":{"t":2}}         | {"t":9,"o":{"t":8}}         | /o/t             | /t: 1 -> 9
            ignored subtree             | {"meta":{"id":1,"at":2},"v":1} | {"meta":{"id":3},"v":1}  | /meta            | ''
            root scalar                 | 1                           | 2                           |                  | /: 1 -> 2
            """)
    void reportsEveryDifferingFieldExceptIgnoredOnes(String name, String primary, String shadow, String ignore,
                                                     String expected) throws Exception {
        JsonDiff diff = new JsonDiff(ignore == null ? List.of() : List.of(ignore.split(",")));
        List<String> got = diff.diff(Json.MAPPER.readTree(primary), Json.MAPPER.readTree(shadow)).stream()
                .map(JsonDiff.Difference::toString).toList();
        assertEquals(expected.isEmpty() ? List.of() : List.of(expected.split(";")), got);
    }
}
