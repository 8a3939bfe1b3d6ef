package io.sluice.gateway;

import io.sluice.gateway.accesslog.AccessLog;
import io.sluice.gateway.mirror.MirrorSettings;
import io.sluice.model.net.ResolveOverrides;
import java.util.function.IntUnaryOperator;

/**
 * How a gateway node runs, apart from who it is ({@link io.sluice.routing.NodeIdentity}) and where Kafka is.
 *
 * @param host            the address every port binds to
 * @param localPort       maps a Gateway server port to the local port (ingress: {@code p -> p + 8000})
 * @param statusPort      health, routes dump and metrics ({@code /healthz/ready}); 0 picks a free port
 * @param resolve         name-resolution overrides ({@code --resolve-file}) used when connecting upstream
 * @param secretNamespace the namespace the node runs in as far as Istio is concerned: TLS
 *                        {@code credentialName}s name Secrets there
 * @param accessLog       where each request's line goes, or null for none
 * @param mirror          the mirror queue, body cap and redaction
 */
public record GatewayOptions(String host, IntUnaryOperator localPort, int statusPort, ResolveOverrides resolve,
                             String secretNamespace, AccessLog accessLog, MirrorSettings mirror) {

    /** Where Istio's ingress gateway runs, and so where it reads {@code credentialName} Secrets. */
    public static final String DEFAULT_SECRET_NAMESPACE = "istio-system";

    /** Loopback, ports chosen by the system, overrides from the environment, no access log. */
    public static GatewayOptions local() {
        return new GatewayOptions("127.0.0.1", p -> 0, 0, ResolveOverrides.fromEnvironment(),
                DEFAULT_SECRET_NAMESPACE, null, MirrorSettings.defaults());
    }

    public GatewayOptions withPorts(IntUnaryOperator local, int status) {
        return new GatewayOptions(host, local, status, resolve, secretNamespace, accessLog, mirror);
    }

    public GatewayOptions withHost(String h) {
        return new GatewayOptions(h, localPort, statusPort, resolve, secretNamespace, accessLog, mirror);
    }

    public GatewayOptions withResolve(ResolveOverrides r) {
        return new GatewayOptions(host, localPort, statusPort, r, secretNamespace, accessLog, mirror);
    }

    public GatewayOptions withSecretNamespace(String ns) {
        return new GatewayOptions(host, localPort, statusPort, resolve, ns, accessLog, mirror);
    }

    public GatewayOptions withAccessLog(AccessLog log) {
        return new GatewayOptions(host, localPort, statusPort, resolve, secretNamespace, log, mirror);
    }

    public GatewayOptions withMirror(MirrorSettings m) {
        return new GatewayOptions(host, localPort, statusPort, resolve, secretNamespace, accessLog, m);
    }
}
