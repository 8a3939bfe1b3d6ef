package io.sluice.model.registry;

/** A port a service offers, with its protocol (HTTP, HTTPS, TLS, TCP …) upper-cased. */
public record ServicePort(int number, String name, String protocol) {
}
