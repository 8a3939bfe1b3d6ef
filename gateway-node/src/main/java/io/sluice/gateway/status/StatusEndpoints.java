package io.sluice.gateway.status;

import io.helidon.webserver.http.HttpRouting;
import io.sluice.gateway.routing.RouteTableSource;
import io.sluice.model.Json;
import io.sluice.routing.NodeIdentity;
import io.sluice.routing.RouteTable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The node's status port (Istio's 15021): readiness only once a table compiled from topics read to
 * their end is served; the revision it serves; a dump of the compiled table.
 */
public final class StatusEndpoints {

    private final NodeIdentity node;
    private final RouteTableSource routes;

    public StatusEndpoints(NodeIdentity node, RouteTableSource routes) {
        this.node = node;
        this.routes = routes;
    }

    public void routing(HttpRouting.Builder r) {
        r.get("/healthz/ready", (req, res) -> res.status(routes.ready() ? 200 : 503)
                        .send(routes.ready() ? "ready" : "reading config and registry"))
                .get("/debug/routes", (req, res) -> res.send(routes.current().dump()))
                .get("/status", (req, res) -> {
                    RouteTable t = routes.current();
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("node", node.id());
                    s.put("labels", node.labels());
                    s.put("configRevision", t.configRevision());
                    s.put("registryRevision", t.registryRevision());
                    s.put("appliedAt", routes.appliedAt().toString());
                    s.put("compileFailures", routes.compileFailures());
                    res.header("Content-Type", "application/json").send(Json.write(s));
                });
    }
}
