package io.sluice.gateway.proxy;

import io.sluice.routing.RouteAction;

/**
 * Where a copy of a forwarded request can be taken (traffic mirroring), after the route and the
 * replayable body are known and before the first try. Must not block the request.
 */
@FunctionalInterface
public interface RequestTap {

    RequestTap NONE = (request, forward, body) -> { };

    /**
     * @param body the request body; {@link RequestBody#replayable()} tells whether its bytes can be read
     */
    void forwarding(RequestView request, RouteAction.Forward forward, RequestBody body);
}
