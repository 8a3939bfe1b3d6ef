package io.sluice.model.istio;

/** A service (registry host name, short names allowed), an optional subset and port. */
public record Destination(String host, String subset, PortSelector port) {

    public Integer portNumber() {
        return port == null ? null : port.number();
    }
}
