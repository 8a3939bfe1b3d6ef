package io.sluice.gateway.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import io.sluice.routing.RouteAction.HeaderRules;

/** Applies a route's header rules to request or response headers: set, then add, then remove. */
final class HeaderEdits {

    private HeaderEdits() {
    }

    static void apply(WritableHeaders<?> headers, HeaderRules rules) {
        if (rules.isEmpty()) {
            return;
        }
        rules.set().forEach((k, v) -> headers.set(HeaderNames.create(k), v));
        rules.add().forEach((k, v) -> headers.add(HeaderNames.create(k), v));
        rules.remove().forEach(k -> headers.remove(HeaderNames.create(k)));
    }
}
