package io.sluice.model.istio;

/** Istio's StringMatch: exactly one of exact, prefix or regex (RE2 syntax in Istio). */
public record StringMatch(String exact, String prefix, String regex) {
}
