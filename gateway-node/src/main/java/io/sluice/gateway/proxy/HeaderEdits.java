package io.sluice.gateway.proxy;

import io.sluice.upstream.HeaderList;
import io.sluice.routing.RouteAction.HeaderRules;

/** Applies a route's header rules to request or response headers: set, then add, then remove. */
final class HeaderEdits {

    private HeaderEdits() {
    }

    static void apply(HeaderList headers, HeaderRules rules) {
        if (rules.isEmpty()) {
            return;
        }
        rules.set().forEach(headers::set);
        rules.add().forEach(headers::add);
        rules.remove().forEach(headers::remove);
    }
}
