package io.sluice.gateway.bench;

import io.helidon.webserver.WebServer;
import io.sluice.gateway.accesslog.AccessLog;
import io.sluice.gateway.accesslog.AccessLogFormat;
import io.sluice.gateway.metrics.IstioMetrics;
import io.sluice.gateway.proxy.ExchangeObserver;
import io.sluice.gateway.proxy.ListenerManager;
import io.sluice.gateway.GatewayOptions;
import io.sluice.gateway.proxy.Proxy;
import io.sluice.gateway.proxy.TrafficCounters;
import io.sluice.gateway.proxy.UpstreamConnector;
import io.sluice.gateway.tls.Credentials;
import io.sluice.gateway.tls.GatewayTls;
import io.sluice.model.net.ResolveOverrides;
import io.sluice.gateway.mirror.MirrorTap;
import io.sluice.upstream.ConnectionPool;
import io.sluice.gateway.resilience.UpstreamState;
import io.sluice.model.Manifests;
import io.sluice.model.Resource;
import io.sluice.model.registry.Endpoint;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import io.sluice.routing.ConfigSnapshot;
import io.sluice.routing.NodeIdentity;
import io.sluice.routing.RouteCompiler;
import io.sluice.routing.RouteTable;
import java.io.FileOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The proxy with and without its telemetry, for a load generator (wrk) to compare: a backend answering
 * the book's 48-byte V1-body, and one gateway port routing to it with no Kafka involved.
 * {@code ProxyOverheadBench bare|metrics|metrics+log [access-log-file]} prints the proxy's port, then
 * serves until stdin closes. See {@code gateway-node/bench.sh}. With {@code -Dbench.tls=cert.pem,key.pem}
 * the gateway also terminates TLS on port 443 with that certificate and prints {@code tls <port>}.
 */
public final class ProxyOverheadBench {

    private ProxyOverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "bare";
        WebServer backend = WebServer.builder().host("127.0.0.1").port(0)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> r.any((req, res) -> res.header("Content-Type", "text/plain")
                        .send("Bootstrap Service Mesh Implementation with Istio")))
                .build().start();
        List<Resource> resources = new ArrayList<>();
        for (Manifests.Decoded d : Manifests.decode("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - {port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}
                  - {port: {number: 443, name: https, protocol: HTTPS}, hosts: ["*"],
                     tls: {mode: SIMPLE, credentialName: bench-credential}}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: bench}
                spec:
                  hosts: ["*"]
                  gateways: [gw]
                  http: [{route: [{destination: {host: backend}}]}]
                """, "default")) {
            resources.add(((Manifests.Accepted) d).resource());
        }
        String tlsFiles = System.getProperty("bench.tls");
        if (tlsFiles != null) {
            String[] pem = tlsFiles.split(",");
            resources.add(((Manifests.Accepted) Manifests.decode("""
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: bench-credential, namespace: istio-system}
                    type: kubernetes.io/tls
                    data: {tls.crt: %s, tls.key: %s}
                    """.formatted(base64(pem[0]), base64(pem[1])), "istio-system").getFirst()).resource());
        }
        String host = "backend.default.svc.cluster.local";
        ServiceEndpoints svc = new ServiceEndpoints(1, host, "default", "Service",
                List.of(new ServicePort(80, "http", "HTTP")), "MESH_INTERNAL", "STATIC",
                List.of(new Endpoint("127.0.0.1", Map.of(80, backend.port()), Map.of("version", "v1"), true, "b")));
        RouteTable table = RouteCompiler.compile(new ConfigSnapshot(resources, 1, Map.of(host, svc), 1),
                NodeIdentity.ingress("bench"));
        List<ExchangeObserver> observers = new ArrayList<>();
        AccessLog log = null;
        if (mode.startsWith("metrics")) {
            observers.add(new IstioMetrics("istio-ingressgateway"));
        }
        if (mode.endsWith("+log")) {
            log = new AccessLog(AccessLogFormat.TEXT, new FileOutputStream(args.length > 1 ? args[1] : "/dev/null"));
            observers.add(log);
        }
        Credentials credentials = new Credentials(GatewayOptions.DEFAULT_SECRET_NAMESPACE);
        credentials.update(resources);
        Proxy proxy = new Proxy(() -> table, new ConnectionPool(), new UpstreamState(),
                ExchangeObserver.all(observers), MirrorTap.disabled(),
                new UpstreamConnector(ResolveOverrides.none(), new TrafficCounters()), new GatewayTls(credentials));
        try (ListenerManager listeners = new ListenerManager("127.0.0.1", p -> 0, proxy)) {
            listeners.reconcile(table);
            System.out.println("port " + listeners.localPort(80) + " backend " + backend.port());
            if (tlsFiles != null) {
                System.out.println("tls " + listeners.localPort(443));
            }
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the harness closes stdin
            }
        } finally {
            if (log != null) {
                System.err.println("access log lines written " + log.written() + ", dropped " + log.dropped());
                log.close();
            }
            backend.stop();
        }
    }

    private static String base64(String file) throws java.io.IOException {
        return java.util.Base64.getEncoder().encodeToString(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(file)));
    }
}
