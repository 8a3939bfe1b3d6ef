package io.sluice.mirror;

import java.time.Duration;
import java.util.List;

/**
 * How a mirror-sink replays and reports.
 *
 * @param instanceId     names this sink's report state; each instance aggregates every outcome, so any
 *                       instance serves the whole report (default {@code sink-1})
 * @param replayUnsafe   replay POST, PUT, PATCH and DELETE on every route; without it only routes whose
 *                       VirtualService has {@code sluice.io/mirror-replay-unsafe: "true"} are (default false)
 * @param ignoreFields   JSON fields never compared: pointers ({@code /meta/id}) or names anywhere ({@code timestamp})
 * @param compareHeaders response headers compared, lower-case; keep it within the gateway's
 *                       {@code --mirror-response-headers} (default content-type, location, cache-control)
 * @param window         report window size (default 1 minute)
 * @param replayTimeout  how long a shadow may take to answer (default 10 s)
 */
public record SinkSettings(String instanceId, boolean replayUnsafe, List<String> ignoreFields,
                           List<String> compareHeaders, Duration window, Duration replayTimeout) {

    public SinkSettings {
        ignoreFields = List.copyOf(ignoreFields);
        compareHeaders = List.copyOf(compareHeaders);
    }

    public static SinkSettings defaults() {
        return new SinkSettings("sink-1", false, List.of(), List.of("content-type", "location", "cache-control"),
                Duration.ofMinutes(1), Duration.ofSeconds(10));
    }

    public SinkSettings withReplayUnsafe(boolean unsafe) {
        return new SinkSettings(instanceId, unsafe, ignoreFields, compareHeaders, window, replayTimeout);
    }

    public SinkSettings withIgnoreFields(List<String> fields) {
        return new SinkSettings(instanceId, replayUnsafe, fields, compareHeaders, window, replayTimeout);
    }

    public SinkSettings withInstanceId(String id) {
        return new SinkSettings(id, replayUnsafe, ignoreFields, compareHeaders, window, replayTimeout);
    }

    public SinkSettings withCompareHeaders(List<String> headers) {
        return new SinkSettings(instanceId, replayUnsafe, ignoreFields, headers, window, replayTimeout);
    }

    public SinkSettings withWindow(Duration w) {
        return new SinkSettings(instanceId, replayUnsafe, ignoreFields, compareHeaders, w, replayTimeout);
    }
}
