package io.sluice.gateway.mirror;

import io.sluice.upstream.HeaderList;
import io.sluice.kafka.KafkaSettings;
import io.sluice.model.mirror.MirrorRecord;
import io.sluice.routing.Cluster;
import io.sluice.routing.RouteAction.MirrorTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Where the proxy hands mirrored requests: decides per target whether this request is copied, and
 * returns a {@link MirrorCapture} that records the request body and the primary's answer while they
 * stream. The copy is queued when the primary's exchange ends; nothing here waits for Kafka.
 */
public final class MirrorTap implements AutoCloseable {

    private static final MirrorTap DISABLED = new MirrorTap(null, null, "", MirrorSettings.defaults());

    private final MirrorPublisher publisher;
    private final Consumer<MirrorRecord.Request> sink;
    private final String node;
    private final MirrorSettings settings;

    /** @param sink where finished copies go; must not block */
    MirrorTap(MirrorPublisher publisher, Consumer<MirrorRecord.Request> sink, String node, MirrorSettings settings) {
        this.publisher = publisher;
        this.sink = sink;
        this.node = node;
        this.settings = settings;
    }

    public static MirrorTap start(KafkaSettings kafka, String node, MirrorSettings settings) {
        MirrorPublisher publisher = new MirrorPublisher(kafka, node, settings);
        return new MirrorTap(publisher, publisher::offer, node, settings);
    }

    /** A tap that never copies, for proxies without a mirror topic. */
    public static MirrorTap disabled() {
        return DISABLED;
    }

    /**
     * Whether one target takes this request: {@code draw} is uniform in [0, 100), so a target with
     * percentage p takes p % of requests. The draw is a parameter so tests can pin it.
     */
    public static boolean selected(MirrorTarget target, double draw) {
        return draw < target.percent();
    }

    /**
     * Starts capturing one forwarded request, or returns {@link MirrorCapture#NONE} when no target takes it.
     *
     * @param route        Route.origin() of the matched rule
     * @param path         path and query as forwarded upstream
     * @param forwarded    the headers as forwarded upstream (authority in Host, x-request-id set)
     * @param primary      the cluster the primary request goes to
     */
    public MirrorCapture begin(String route, List<MirrorTarget> targets, String method, String path,
                               HeaderList forwarded, Cluster primary) {
        if (sink == null || targets.isEmpty()) {
            return MirrorCapture.NONE;
        }
        List<MirrorRecord.Target> chosen = null;
        for (MirrorTarget t : targets) {
            if (selected(t, ThreadLocalRandom.current().nextDouble(100.0))) {
                if (chosen == null) {
                    chosen = new ArrayList<>(targets.size());
                }
                Cluster c = t.cluster();
                chosen.add(new MirrorRecord.Target(c.host(), c.subset(), c.port()));
            }
        }
        if (chosen == null) {
            return MirrorCapture.NONE;
        }
        return new MirrorCapture.Active(this, route, chosen, method, path, forwarded,
                new MirrorRecord.Target(primary.host(), primary.subset(), primary.port()));
    }

    MirrorSettings settings() {
        return settings;
    }

    String node() {
        return node;
    }

    void publish(MirrorRecord.Request copy) {
        sink.accept(copy);
    }

    /** Copies handed to Kafka and acknowledged. */
    public long sent() {
        return publisher == null ? 0 : publisher.sent();
    }

    /** Copies lost: queue full, or Kafka refused them. */
    public long dropped() {
        return publisher == null ? 0 : publisher.dropped();
    }

    @Override
    public void close() {
        if (publisher != null) {
            publisher.close();
        }
    }
}
