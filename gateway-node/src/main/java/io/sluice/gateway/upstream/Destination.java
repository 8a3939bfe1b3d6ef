package io.sluice.gateway.upstream;

/**
 * Where a request goes: the address to connect to (after resolver overrides) and the TLS to originate,
 * null for plain text. Connections are pooled per destination.
 */
public record Destination(String host, int port, TlsOrigin tls) {
}
