package io.sluice.mirror;

import java.util.ArrayList;
import java.util.List;

/**
 * The report's counts for one route and time window.
 *
 * @param differentStatus  replays whose status differed (a replay can count in several "different" columns)
 * @param samples          up to {@link #MAX_SAMPLES} differences, first seen first, one per distinct list of
 *                         differences (a thousand copies of one bug are one sample)
 */
public record RouteStats(long mirrored, long replayed, long skipped, long dropped, long same, long different,
                         long differentStatus, long differentHeaders, long differentBody,
                         long primaryLatencyMsSum, long shadowLatencyMsSum, long primaryLatencyMsMax,
                         long shadowLatencyMsMax, List<Outcome.Sample> samples) {

    public static final int MAX_SAMPLES = 5;
    public static final RouteStats EMPTY = new RouteStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of());

    public RouteStats {
        samples = samples == null ? List.of() : List.copyOf(samples);
    }

    public RouteStats add(Outcome o) {
        boolean replayed = o.replayed();
        boolean different = replayed && !o.same();
        List<Outcome.Sample> s = o.sample() == null ? samples : withSample(samples, o.sample());
        return new RouteStats(
                mirrored + (o.mirrored() ? 1 : 0),
                this.replayed + (replayed ? 1 : 0),
                skipped + (o.mirrored() && !replayed ? 1 : 0),
                dropped + o.dropped(),
                same + (o.same() ? 1 : 0),
                this.different + (different ? 1 : 0),
                differentStatus + (replayed && !o.statusSame() ? 1 : 0),
                differentHeaders + (replayed && !o.headersSame() ? 1 : 0),
                differentBody + (replayed && !o.bodySame() ? 1 : 0),
                primaryLatencyMsSum + (replayed ? o.primaryLatencyMs() : 0),
                shadowLatencyMsSum + (replayed ? o.shadowLatencyMs() : 0),
                Math.max(primaryLatencyMsMax, replayed ? o.primaryLatencyMs() : 0),
                Math.max(shadowLatencyMsMax, replayed ? o.shadowLatencyMs() : 0),
                s);
    }

    /** Sums two windows, for a route's total over the report period. */
    public RouteStats plus(RouteStats o) {
        List<Outcome.Sample> s = samples;
        for (Outcome.Sample x : o.samples) {
            s = withSample(s, x);
        }
        return new RouteStats(mirrored + o.mirrored, replayed + o.replayed, skipped + o.skipped,
                dropped + o.dropped, same + o.same, different + o.different, differentStatus + o.differentStatus,
                differentHeaders + o.differentHeaders, differentBody + o.differentBody,
                primaryLatencyMsSum + o.primaryLatencyMsSum, shadowLatencyMsSum + o.shadowLatencyMsSum,
                Math.max(primaryLatencyMsMax, o.primaryLatencyMsMax), Math.max(shadowLatencyMsMax, o.shadowLatencyMsMax),
                s);
    }

    private static List<Outcome.Sample> withSample(List<Outcome.Sample> samples, Outcome.Sample sample) {
        if (samples.size() >= MAX_SAMPLES
                || samples.stream().anyMatch(x -> x.differences().equals(sample.differences()))) {
            return samples;
        }
        List<Outcome.Sample> s = new ArrayList<>(samples);
        s.add(sample);
        return s;
    }

    public double primaryLatencyMsAvg() {
        return replayed == 0 ? 0 : primaryLatencyMsSum / (double) replayed;
    }

    public double shadowLatencyMsAvg() {
        return replayed == 0 ? 0 : shadowLatencyMsSum / (double) replayed;
    }
}
