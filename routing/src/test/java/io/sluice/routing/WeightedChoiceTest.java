package io.sluice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WeightedChoiceTest {

    private static RouteAction.Forward forward(int... weights) {
        List<RouteAction.WeightedCluster> targets = IntStream.range(0, weights.length)
                .mapToObj(i -> new RouteAction.WeightedCluster(
                        new Cluster("svc", 80, "v" + (i + 1), "v" + (i + 1), List.of(), false), weights[i],
                        RouteAction.HeaderRules.NONE, RouteAction.HeaderRules.NONE))
                .toList();
        return new RouteAction.Forward(targets, IntStream.of(weights).sum(), RouteAction.HeaderRules.NONE,
                RouteAction.HeaderRules.NONE, null, List.of());
    }

    @ParameterizedTest(name = "weights {0}, draw {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            10 90    | 0   | v1
            10 90    | 9   | v1
            10 90    | 10  | v2
            10 90    | 99  | v2
            50 50    | 49  | v1
            50 50    | 50  | v2
            20 30 50 | 19  | v1
            20 30 50 | 20  | v2
            20 30 50 | 49  | v2
            20 30 50 | 50  | v3
            0 100    | 0   | v2
            100 0    | 99  | v1
            """)
    void drawLandsOnTheTargetWhoseWeightRangeHoldsIt(String weights, int draw, String subset) {
        int[] w = java.util.Arrays.stream(weights.split(" ")).mapToInt(Integer::parseInt).toArray();
        assertEquals(subset, forward(w).pick(draw).cluster().subset());
    }

    @ParameterizedTest(name = "weights {0}")
    @CsvSource(delimiter = '|', textBlock = """
            10 90    | 10 90
            1 3      | 1 3
            20 30 50 | 20 30 50
            """)
    void everyDrawOfTheRangeSplitsExactlyByWeight(String weights, String expectedCounts) {
        int[] w = java.util.Arrays.stream(weights.split(" ")).mapToInt(Integer::parseInt).toArray();
        RouteAction.Forward f = forward(w);
        int[] counts = new int[w.length];
        for (int draw = 0; draw < f.totalWeight(); draw++) {
            counts[Integer.parseInt(f.pick(draw).cluster().subset().substring(1)) - 1]++;
        }
        assertEquals(expectedCounts, String.join(" ", IntStream.of(counts).mapToObj(Integer::toString).toList()));
    }
}
