package io.sluice.mirror;

import java.util.List;

/**
 * What the sink learned from one record of the mirror topic, keyed by route on the outcomes topic that
 * the report's Streams topology aggregates. A Drops record of the gateway becomes one outcome per route
 * with {@code dropped} set and nothing else.
 *
 * @param route          Route.origin() of the mirrored rule
 * @param time           the mirrored request's time (epoch ms), the record timestamp too
 * @param dropped        copies the gateway dropped (drop outcomes only)
 * @param mirrored       true for an outcome of a mirrored request
 * @param skipped        why the copy was not replayed (non-idempotent method, no shadow endpoint…), or null
 * @param statusSame     shadow status equals the primary's
 * @param headersSame    every kept response header equal
 * @param bodySame       body hash equal, or only noisy/ignored JSON fields differ
 * @param sample         the detail of a difference, null when the shadow answered the same
 */
public record Outcome(String route, long time, long dropped, boolean mirrored, String skipped,
                      boolean statusSame, boolean headersSame, boolean bodySame,
                      long primaryLatencyMs, long shadowLatencyMs, Sample sample) {

    public static Outcome drops(String route, long time, long count) {
        return new Outcome(route, time, count, false, null, true, true, true, 0, 0, null);
    }

    public static Outcome skipped(String route, long time, String reason) {
        return new Outcome(route, time, 0, true, reason, true, true, true, 0, 0, null);
    }

    public boolean replayed() {
        return mirrored && skipped == null;
    }

    public boolean same() {
        return replayed() && statusSame && headersSame && bodySame;
    }

    /**
     * One mirrored request whose shadow answered differently.
     *
     * @param differences human-readable differences: {@code status: 200 -> 500},
     *                    {@code header content-type: text/plain -> application/json},
     *                    {@code body /price: 10 -> 12}, or {@code body sha256 …} when not JSON
     * @param noisyFields JSON fields that differed between two answers of the primary itself, ignored
     */
    public record Sample(String id, String method, String authority, String path, int primaryStatus,
                         int shadowStatus, List<String> differences, List<String> noisyFields) {

        public Sample {
            differences = List.copyOf(differences);
            noisyFields = noisyFields == null ? List.of() : List.copyOf(noisyFields);
        }
    }
}
