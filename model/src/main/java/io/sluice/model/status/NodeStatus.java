package io.sluice.model.status;

/**
 * What a gateway node last reported on the compacted status topic (key: the node id): the config and
 * registry revisions its route table was compiled from and when it started serving it, like a row of
 * {@code istioctl proxy-status}.
 *
 * @param role            ingress, egress or mesh
 * @param statusAddress   host:port of the node's status port (health, /debug/routes, /stats/prometheus)
 * @param appliedAt       when the table was swapped in, ISO-8601
 */
public record NodeStatus(String node, String role, long configRevision, long registryRevision, String appliedAt,
                         String statusAddress) {
}
