package io.sluice.gateway.proxy;

/**
 * Every way the proxy can fail a request, with the status the client gets and Envoy's response flag
 * (as in Istio's access logs and the {@code response_flags} metric label). Clients never see more
 * than the status and a fixed body.
 */
public enum ProxyFailure {
    NO_ROUTE(404, "NR", ""),
    NO_HEALTHY_UPSTREAM(503, "UH", "no healthy upstream"),
    UPSTREAM_CONNECT_FAILURE(503, "UF", "upstream connect error or disconnect/reset before headers"),
    UPSTREAM_TIMEOUT(504, "UT", "upstream request timeout"),
    UPSTREAM_OVERFLOW(503, "UO", "upstream connect error or disconnect/reset before headers. reset reason: overflow"),
    UPSTREAM_RESET(502, "UR", "upstream connect error or disconnect/reset before headers. reset reason: connection termination"),
    EGRESS_BLOCKED(502, "NR", "");

    private final int status;
    private final String flag;
    private final String body;

    ProxyFailure(int status, String flag, String body) {
        this.status = status;
        this.flag = flag;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String flag() {
        return flag;
    }

    public String body() {
        return body;
    }
}
