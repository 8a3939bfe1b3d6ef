package io.sluice.gateway.proxy;

import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http2.Http2Config;

/**
 * What request heads the gateway takes from a client: what Envoy takes, with Istio's defaults, rather
 * than what Helidon does.
 * <ul>
 * <li>Size: Envoy's {@code max_request_headers_kb}, 60 KiB, rather than a 4 KiB request line, 16 KiB of
 * headers and an 8 KiB HTTP/2 header list, so a long query string or a large token or cookie passes. A
 * larger head is refused before any routing: 414 for the request line, 400 for the headers (nginx's
 * answer), a stream error in HTTP/2.
 * <li>Request targets: browsers send {@code { } | ^ `} in query strings as they are, and Envoy passes
 * them and stray {@code %}s on; Helidon's RFC 3986 check would answer 400. It is off, and the proxy
 * refuses what Envoy refuses, controls and spaces ({@link RequestHead#targetAcceptable()}).
 * </ul>
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
            .validatePath(false)
            .validatePrologue(false)
            .maxPrologueLength(MAX_REQUEST_HEAD)
            .maxHeadersSize(MAX_REQUEST_HEAD)
            .build();

    public static final Http2Config HTTP2 = Http2Config.builder()
            .validatePath(false)
            .maxHeaderListSize(MAX_REQUEST_HEAD)
            .build();

    private ClientLimits() {
    }
}
