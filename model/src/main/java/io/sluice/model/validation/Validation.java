package io.sluice.model.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.model.Json;
import io.sluice.model.Manifests;
import io.sluice.model.ObjectMeta;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import io.sluice.model.istio.DestinationRuleSpec;
import io.sluice.model.istio.GatewaySpec;
import io.sluice.model.istio.MeshConfigSpec;
import io.sluice.model.istio.ServiceEntrySpec;
import io.sluice.model.istio.SidecarSpec;
import io.sluice.model.istio.VirtualServiceSpec;
import io.sluice.model.istio.WorkloadEntrySpec;
import io.sluice.model.kubernetes.IngressSpec;
import io.sluice.model.kubernetes.ServiceSpec;
import java.util.Set;

/**
 * Strict validation of one object before config-service stores it: unknown and not-yet-supported
 * fields (per {@link FieldValidation}), then the rules Istio's and Kubernetes' own validation
 * enforce. Every problem is collected with its field path; nothing is thrown halfway.
 */
public final class Validation {

    /** Every field of Kubernetes' ObjectMeta; clients send server-set ones back (creationTimestamp: null). */
    private static final Set<String> METADATA_FIELDS = Set.of("name", "generateName", "namespace", "selfLink", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "labels", "annotations", "ownerReferences", "finalizers", "managedFields", "clusterName");

    private Validation() {
    }

    /**
     * Validates a whole document as the user sent it, including the metadata fields the decoded
     * {@link ObjectMeta} does not keep. Kinds Sluice skips (a Deployment) have nothing to report.
     */
    public static ValidationResult validateDocument(JsonNode document, FieldValidation mode) {
        Findings f = new Findings(mode);
        JsonNode meta = document.path("metadata");
        meta.properties().forEach(e -> {
            if (!METADATA_FIELDS.contains(e.getKey())) {
                f.unknown("metadata." + e.getKey(), "unknown field \"" + e.getKey() + "\"");
            }
        });
        switch (Manifests.decode(0, document, "default")) {
            case Manifests.Accepted a -> f.addAll(validate(a.resource(), mode));
            case Manifests.Rejected r -> r.violations().forEach(v -> f.error(v.field(), v.reason()));
            case Manifests.Skipped s -> {
            }
        }
        return f.result();
    }

    /**
     * Validates a decoded object. Its metadata is checked as far as {@link ObjectMeta} keeps it
     * (name, namespace, labels, annotation keys); unknown metadata fields need {@link #validateDocument}.
     */
    public static ValidationResult validate(Resource resource, FieldValidation mode) {
        Findings f = new Findings(mode);
        metadata(resource.kind(), resource.metadata(), f);
        if (!Schema.check(resource.kind(), resource.body(), f)) {
            // values of the wrong type are reported; binding them would only add noise
            return f.result();
        }
        if (resource.kind() == ResourceKind.SECRET) {
            KubernetesRules.secret(resource.body(), f);
            return f.result();
        }
        JsonNode spec = resource.spec().isObject() ? resource.spec() : Json.MAPPER.createObjectNode();
        try {
            switch (resource.kind()) {
                case VIRTUAL_SERVICE -> IstioRules.virtualService(bind(spec, VirtualServiceSpec.class), f);
                case DESTINATION_RULE -> IstioRules.destinationRule(bind(spec, DestinationRuleSpec.class), f);
                case GATEWAY -> IstioRules.gateway(bind(spec, GatewaySpec.class), f);
                case SERVICE_ENTRY -> IstioRules.serviceEntry(bind(spec, ServiceEntrySpec.class), f);
                case WORKLOAD_ENTRY -> IstioRules.workloadEntry(bind(spec, WorkloadEntrySpec.class), f);
                case MESH_CONFIG -> IstioRules.meshConfig(bind(spec, MeshConfigSpec.class), f);
                case SERVICE -> KubernetesRules.service(bind(spec, ServiceSpec.class), f);
                case INGRESS -> KubernetesRules.ingress(bind(spec, IngressSpec.class), f);
                case SIDECAR -> IstioRules.sidecar(bind(spec, SidecarSpec.class), f);
                case NAMESPACE, SECRET -> {
                }
            }
        } catch (JsonProcessingException e) {
            f.error("spec", e.getOriginalMessage());
        }
        return f.result();
    }

    private static <T> T bind(JsonNode spec, Class<T> type) throws JsonProcessingException {
        return Json.MAPPER.treeToValue(spec, type);
    }

    private static void metadata(ResourceKind kind, ObjectMeta meta, Findings f) {
        if (meta.name() == null || meta.name().isEmpty()) {
            f.required("metadata.name", "name or generateName is required");
        } else if (kind == ResourceKind.NAMESPACE) {
            Formats.dns1123Label(f, "metadata.name", meta.name());
        } else if (kind == ResourceKind.SERVICE) {
            Formats.dns1035Label(f, "metadata.name", meta.name());
        } else {
            Formats.dns1123Subdomain(f, "metadata.name", meta.name());
        }
        if (kind.namespaced() && meta.namespace() != null && !meta.namespace().isEmpty()) {
            Formats.dns1123Label(f, "metadata.namespace", meta.namespace());
        }
        meta.labels().forEach((k, v) -> {
            Formats.qualifiedName(f, Findings.key("metadata.labels", k), k);
            Formats.labelValue(f, Findings.key("metadata.labels", k), v);
        });
        meta.annotations().keySet().forEach(k -> Formats.qualifiedName(f, Findings.key("metadata.annotations", k), k));
    }
}
