package io.sluice.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.routing.ClusterPolicy;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class OutlierDetectionTest {

    static final long SECOND = Duration.ofSeconds(1).toNanos();
    static final ClusterPolicy.Outlier FIVE_XX = new ClusterPolicy.Outlier(3, 0, Duration.ofSeconds(10),
            Duration.ofSeconds(30), 100, 0);

    @ParameterizedTest(name = "{0} ejects: {1}")
    @CsvSource({
            "'503,503,503', true",
            "'500,500,500', true",
            "'503,200,503,503', false",
            "'503,404,503,503', false",
            "'503,503', false",
    })
    void consecutive5xxEjectsOnlyAnUnbrokenRun(String statuses, boolean ejected) {
        ClusterState s = new ClusterState();
        EndpointState e = s.endpoint("a:1");
        for (String status : statuses.split(",")) {
            s.record(e, Integer.parseInt(status), FIVE_XX, 2, 0);
        }
        assertEquals(ejected, e.ejected(0));
    }

    @Test
    void triesWithoutAnAnswerCountAs503sUnlessSplitOff() {
        ClusterState s = new ClusterState();
        EndpointState e = s.endpoint("a:1");
        for (int i = 0; i < 3; i++) {
            s.recordNoAnswer(e, false, FIVE_XX, 2, 0);
        }
        assertTrue(e.ejected(0), "three connect failures are three 5xx");

        var split = new ClusterPolicy.Outlier(3, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), 100, 0, true, 2);
        EndpointState f = s.endpoint("b:1");
        s.record(f, 503, split, 2, 0);
        s.record(f, 503, split, 2, 0);
        s.recordNoAnswer(f, true, split, 2, 0);
        assertFalse(f.ejected(0), "a timeout neither adds to nor breaks the run of 5xx answers, and one is not two");
        s.record(f, 200, split, 2, 0);
        s.recordNoAnswer(f, false, split, 2, 0);
        s.record(f, 503, split, 2, 0);
        s.recordNoAnswer(f, false, split, 2, 0);
        assertFalse(f.ejected(0), "an answer between them breaks the run of local failures");
        s.recordNoAnswer(f, false, split, 2, 0);
        assertTrue(f.ejected(0), "two in a row");
    }

    @Test
    void gatewayErrorsCountOnly502To504AndA500BreaksTheRun() {
        var gateway = new ClusterPolicy.Outlier(0, 2, Duration.ofSeconds(10), Duration.ofSeconds(30), 100, 0);
        ClusterState s = new ClusterState();
        EndpointState e = s.endpoint("a:1");
        s.record(e, 502, gateway, 2, 0);
        s.record(e, 500, gateway, 2, 0);
        s.record(e, 504, gateway, 2, 0);
        assertFalse(e.ejected(0));
        s.record(e, 503, gateway, 2, 0);
        assertTrue(e.ejected(0));
    }

    @Test
    void ejectionLengthGrowsWithRepeatsAndShrinksWhileHealthy() {
        ClusterState s = new ClusterState();
        EndpointState e = s.endpoint("a:1");
        eject(s, e, 0);
        assertTrue(e.ejected(29 * SECOND));
        assertFalse(e.ejected(30 * SECOND), "base ejection time");
        eject(s, e, 31 * SECOND);
        assertTrue(e.ejected(31 * SECOND + 59 * SECOND), "twice the base the second time");
        assertFalse(e.ejected(31 * SECOND + 60 * SECOND));
        // healthy for 25 intervals of 10 s: the multiplier is back to zero, the next ejection is the base again
        long later = 91 * SECOND + 250 * SECOND;
        eject(s, e, later);
        assertEquals(1, e.ejections());
        assertFalse(e.ejected(later + 30 * SECOND));
    }

    @Test
    void maxEjectionPercentCapsEjectionsButAlwaysAllowsOne() {
        var tenPercent = new ClusterPolicy.Outlier(1, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), 10, 0);
        ClusterState s = new ClusterState();
        assertTrue(s.record(s.endpoint("a:1"), 503, tenPercent, 4, 0), "the first host is always ejectable");
        assertFalse(s.record(s.endpoint("b:1"), 503, tenPercent, 4, 0), "a second would be 50%");
        assertEquals(1, s.ejectedCount(0));
        var half = new ClusterPolicy.Outlier(1, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), 50, 0);
        ClusterState t = new ClusterState();
        assertTrue(t.record(t.endpoint("a:1"), 503, half, 4, 0));
        assertTrue(t.record(t.endpoint("b:1"), 503, half, 4, 0));
        assertFalse(t.record(t.endpoint("c:1"), 503, half, 4, 0));
    }

    private static void eject(ClusterState s, EndpointState e, long now) {
        for (int i = 0; i < 3; i++) {
            s.record(e, 503, FIVE_XX, 2, now);
        }
        assertTrue(e.ejected(now));
    }
}
