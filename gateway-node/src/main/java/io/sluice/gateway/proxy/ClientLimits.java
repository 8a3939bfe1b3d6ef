package io.sluice.gateway.proxy;

import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http2.Http2Config;

/**
 * How large a request head the gateway takes from a client: Envoy's default, which Istio keeps
 * ({@code max_request_headers_kb}: 60 KiB), rather than Helidon's (a 4 KiB request line, 16 KiB of
 * headers, an 8 KiB HTTP/2 header list), so a long query string or a large token or cookie goes through
 * Sluice where it goes through Istio. A larger head is refused before any routing: 414 for the request
 * line, 400 for the headers (nginx's answer), a stream error in HTTP/2.
 */
public final class ClientLimits {

    public static final int MAX_REQUEST_HEAD = 60 * 1024;

    /**
     * Requests are validated as Helidon parses them; response headers are not validated again, since
     * the proxy's own are constants and an upstream's pass through {@code HeaderList}, which keeps out
     * anything that could split a response.
     */
    public static final Http1Config HTTP1 = Http1Config.builder()
            .validateResponseHeaders(false)
            .maxPrologueLength(MAX_REQUEST_HEAD)
            .maxHeadersSize(MAX_REQUEST_HEAD)
            .build();

    public static final Http2Config HTTP2 = Http2Config.builder().maxHeaderListSize(MAX_REQUEST_HEAD).build();

    private ClientLimits() {
    }
}
