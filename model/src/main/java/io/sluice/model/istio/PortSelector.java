package io.sluice.model.istio;

public record PortSelector(Integer number) {
}
