package io.sluice.gateway.proxy;

/**
 * Every way the proxy can fail a request: the status the client gets, the fixed body (Envoy's local
 * reply), and Envoy's response flag, which is also the {@code response_flags} label of Istio's metrics
 * and the field of the access log. Clients never see more than the status and this body.
 */
public enum ProxyFailure {
    NO_ROUTE(404, "NR", ""),
    NO_HEALTHY_UPSTREAM(503, "UH", "no healthy upstream"),
    UPSTREAM_CONNECT_FAILURE(503, "UF", "upstream connect error or disconnect/reset before headers. reset reason: connection failure"),
    UPSTREAM_TIMEOUT(504, "UT", "upstream request timeout"),
    UPSTREAM_OVERFLOW(503, "UO", "upstream connect error or disconnect/reset before headers. reset reason: overflow"),
    UPSTREAM_RESET(503, "UC", "upstream connect error or disconnect/reset before headers. reset reason: connection termination"),
    EGRESS_BLOCKED(502, "NR", ""),
    /** A request target with controls or spaces in it: Envoy's codec error (downstream protocol error). */
    INVALID_TARGET(400, "DPE", "Bad Request");

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

    /** Envoy's response flag: the access log field and the {@code response_flags} metric label. */
    public String flag() {
        return flag;
    }

    public String body() {
        return body;
    }
}
