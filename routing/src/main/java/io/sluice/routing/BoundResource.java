package io.sluice.routing;

import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import io.sluice.model.istio.GatewaySpec;
import io.sluice.model.istio.MeshConfigSpec;
import io.sluice.model.istio.VirtualServiceSpec;
import java.util.Map;

/**
 * A config resource with the typed spec the route compiler reads, bound once when the resource is
 * read: a node's store keeps these, so a compile (the first of 10 000 VirtualServices included) does
 * not bind every spec again, and the binding runs on the store's thread while the other topic loads.
 *
 * @param spec the bound spec, or null for a kind the compiler reads no typed spec of and for a spec
 *             that does not bind: the compile binds that one itself and fails as it always did,
 *             keeping the last good table
 */
public record BoundResource(Resource resource, Object spec) {

    /** The kinds whose spec the compilers bind per VirtualService or Gateway; others are few or unread. */
    private static final Map<ResourceKind, Class<?>> TYPES = Map.of(
            ResourceKind.VIRTUAL_SERVICE, VirtualServiceSpec.class,
            ResourceKind.GATEWAY, GatewaySpec.class,
            ResourceKind.MESH_CONFIG, MeshConfigSpec.class);

    public static BoundResource of(Resource resource) {
        Class<?> type = TYPES.get(resource.kind());
        if (type == null) {
            return new BoundResource(resource, null);
        }
        try {
            return new BoundResource(resource, Json.spec(resource, type));
        } catch (IllegalArgumentException e) {
            return new BoundResource(resource, null);
        }
    }
}
