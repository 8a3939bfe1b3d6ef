package io.sluice.config;

import io.helidon.webserver.http.HttpRouting;
import io.sluice.kafka.CompactedTopicStore;
import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.status.NodeStatus;
import io.sluice.service.Http;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /status}: every gateway node's last report from the compacted status topic, beside the
 * newest config revision, so {@code sluice status} can tell which nodes serve it (SYNCED) and which
 * lag (STALE), as {@code istioctl proxy-status} does.
 */
final class NodeStatusApi {

    private final CompactedTopicStore<NodeStatus> nodes;
    private final CompactedTopicStore<Resource> config;

    NodeStatusApi(CompactedTopicStore<NodeStatus> nodes, CompactedTopicStore<Resource> config) {
        this.nodes = nodes;
        this.config = config;
    }

    static CompactedTopicStore<NodeStatus> store(io.sluice.kafka.KafkaSettings kafka) {
        return new CompactedTopicStore<>(kafka, kafka.topics().status(), "sluice-config-service-status",
                (key, value, offset) -> Json.read(value, NodeStatus.class)).start();
    }

    void routing(HttpRouting.Builder r) {
        r.get("/status", (req, res) -> {
            List<NodeStatus> list = nodes.snapshot().entries().values().stream()
                    .sorted(Comparator.comparing(NodeStatus::node)).toList();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("configRevision", config.snapshot().revision());
            body.put("nodes", list);
            Http.sendJson(res, 200, body);
        });
    }
}
