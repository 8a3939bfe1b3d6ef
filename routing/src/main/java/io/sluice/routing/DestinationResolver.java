package io.sluice.routing;

import io.sluice.model.ResourceKind;
import io.sluice.model.istio.Destination;
import io.sluice.model.istio.PortSelector;
import java.util.Map;

/**
 * Resolves destinations to clusters with endpoints outside a route table, with the same rules the
 * compiler uses (host candidates, DestinationRule subsets and TLS, healthy endpoints only). Built once per
 * snapshot; a mirror sink resolves the shadow of each record it replays with it.
 */
public final class DestinationResolver {

    private final ServiceDirectory directory;

    private DestinationResolver(ServiceDirectory directory) {
        this.directory = directory;
    }

    public static DestinationResolver of(ConfigSnapshot snapshot) {
        return new DestinationResolver(new ServiceDirectory(snapshot.services(),
                snapshot.ofKind(ResourceKind.DESTINATION_RULE), snapshot.ofKind(ResourceKind.SECRET), Map.of()));
    }

    /**
     * @param host      a registry host, short names resolved from {@code namespace}
     * @param subset    a DestinationRule subset, or null/"" for every endpoint
     * @param port      the service port
     */
    public synchronized Cluster resolve(String host, String subset, int port, String namespace) {
        return directory.cluster(new Destination(host, subset == null || subset.isEmpty() ? null : subset,
                new PortSelector(port)), namespace);
    }
}
