package io.sluice.model.istio;

public record Percent(Double value) {
}
