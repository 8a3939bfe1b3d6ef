package io.sluice.model.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.model.ResourceKind;
import io.sluice.model.kubernetes.ServiceSpec;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Walks an object's JSON tree against the typed records that read it, reporting every field the
 * records do not have (Jackson stops at the first) and every Istio field Sluice does not implement
 * yet, by name, instead of dropping it as the lenient mapper would. {@code List<X>} is an array of X,
 * {@code Map<String, X>} an object with any keys, {@code JsonNode} anything.
 */
final class Schema {

    /** A Secret has no spec; its top level is checked against this. */
    private record SecretBody(String type, Map<String, String> data, Map<String, String> stringData,
                              Boolean immutable) {
    }

    private record NamespaceSpec(List<String> finalizers) {
    }

    /** Real Kubernetes fields the typed records leave out because nothing in Sluice reads them. */
    private static final Map<Class<?>, Set<String>> EXTRA = Map.of(
            ServiceSpec.class, Set.of("allocateLoadBalancerNodePorts", "healthCheckNodePort", "loadBalancerClass",
                    "loadBalancerSourceRanges", "topologyKeys", "trafficDistribution"));

    /**
     * Istio fields Sluice accepts in Istio's schema but does not act on yet; a user must learn that
     * from the response, not from traffic that ignores them. Indices are written {@code []}.
     */
    private static final Map<ResourceKind, Set<String>> NOT_SUPPORTED = Map.of(
            ResourceKind.VIRTUAL_SERVICE, Set.of(
                    "spec.http[].match[].statPrefix", "spec.http[].fault.delay.exponentialDelay",
                    "spec.http[].fault.abort.http2Error"),
            ResourceKind.GATEWAY, Set.of("spec.servers[].bind", "spec.servers[].defaultEndpoint"),
            ResourceKind.DESTINATION_RULE, destinationRuleNotSupported(),
            ResourceKind.INGRESS, Set.of("spec.defaultBackend.resource", "spec.rules[].http.paths[].backend.resource"),
            // the mesh proxy is a workload's outbound proxy, reached as http_proxy: no inbound side to set up,
            // no listener to bind or capture with
            ResourceKind.SIDECAR, Set.of("spec.ingress", "spec.inboundConnectionPool", "spec.egress[].bind",
                    "spec.egress[].captureMode", "spec.egress[].port.targetPort",
                    "spec.outboundTrafficPolicy.egressProxy"));

    /** The same policy fields are not supported at the top level and in every subset. */
    private static Set<String> destinationRuleNotSupported() {
        Set<String> out = new java.util.HashSet<>();
        for (String field : List.of("connectionPool.http.maxConcurrentStreams")) {
            out.add("spec.trafficPolicy." + field);
            out.add("spec.subsets[].trafficPolicy." + field);
            out.add("spec.trafficPolicy.portLevelSettings[]." + field);
            out.add("spec.subsets[].trafficPolicy.portLevelSettings[]." + field);
        }
        return Set.copyOf(out);
    }

    private static final Map<Class<?>, Map<String, Type>> FIELDS = new ConcurrentHashMap<>();

    private final Set<String> notSupported;
    private final Findings findings;
    private boolean typeErrors;

    private Schema(ResourceKind kind, Findings findings) {
        this.notSupported = NOT_SUPPORTED.getOrDefault(kind, Set.of());
        this.findings = findings;
    }

    /** The typed record of a kind's spec, or null for a kind without one (Secret). */
    static Class<?> specType(ResourceKind kind) {
        return kind == ResourceKind.NAMESPACE ? NamespaceSpec.class : kind.specType();
    }

    /**
     * Checks the body of an object (everything but apiVersion, kind, metadata and status); returns
     * whether every value had the type its field needs, so that the body can be bound to records.
     */
    static boolean check(ResourceKind kind, JsonNode body, Findings findings) {
        Schema schema = new Schema(kind, findings);
        Class<?> spec = specType(kind);
        Map<String, Type> top = spec == null ? fields(SecretBody.class) : Map.of("spec", spec);
        schema.object(body, top, "", "");
        return !schema.typeErrors;
    }

    private void walk(JsonNode node, Type type, String path, String shape) {
        if (node == null || node.isNull()) {
            return;
        }
        Class<?> raw = raw(type);
        if (raw == JsonNode.class) {
            return;
        }
        if (raw == List.class) {
            if (!node.isArray()) {
                typeError(path, "array", node);
                return;
            }
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), argument(type, 0), Findings.at(path, i), shape + "[]");
            }
        } else if (raw == Map.class) {
            if (!node.isObject()) {
                typeError(path, "object", node);
                return;
            }
            node.properties().forEach(e ->
                    walk(e.getValue(), argument(type, 1), Findings.key(path, e.getKey()), shape + "[]"));
        } else if (raw.isRecord()) {
            object(node, fields(raw), path, shape);
        } else {
            scalar(node, raw, path);
        }
    }

    private void object(JsonNode node, Map<String, Type> known, String path, String shape) {
        if (!node.isObject()) {
            typeError(path, "object", node);
            return;
        }
        node.properties().forEach(e -> {
            String name = e.getKey();
            String p = Findings.at(path, name);
            String s = Findings.at(shape, name);
            if (notSupported.contains(s)) {
                findings.unknown(p, "not supported yet");
            } else if (!known.containsKey(name)) {
                findings.unknown(p, "unknown field \"" + name + "\"");
            } else {
                walk(e.getValue(), known.get(name), p, s);
            }
        });
    }

    private void scalar(JsonNode node, Class<?> type, String path) {
        boolean ok;
        String expected;
        if (type == String.class) {
            ok = node.isTextual();
            expected = "string";
        } else if (type == Integer.class || type == int.class) {
            ok = node.isIntegralNumber() && node.canConvertToInt();
            expected = "integer";
        } else if (type == Long.class || type == long.class) {
            ok = node.isIntegralNumber() && node.canConvertToLong();
            expected = "integer";
        } else if (type == Double.class || type == double.class) {
            ok = node.isNumber();
            expected = "number";
        } else if (type == Boolean.class || type == boolean.class) {
            ok = node.isBoolean();
            expected = "boolean";
        } else {
            throw new IllegalStateException("no schema rule for " + type);
        }
        if (!ok) {
            typeError(path, expected, node);
        }
    }

    private void typeError(String path, String expected, JsonNode node) {
        typeErrors = true;
        String shown = node.isContainerNode() ? (node.isArray() ? "array" : "object") : node.toString();
        findings.error(path, "Invalid value: " + shown + ": must be of type " + expected);
    }

    private static Map<String, Type> fields(Class<?> record) {
        return FIELDS.computeIfAbsent(record, r -> {
            Map<String, Type> out = new LinkedHashMap<>();
            for (RecordComponent c : r.getRecordComponents()) {
                out.put(c.getName(), c.getGenericType());
            }
            EXTRA.getOrDefault(r, Set.of()).forEach(f -> out.put(f, JsonNode.class));
            return Map.copyOf(out);
        });
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static Type argument(Type type, int index) {
        return ((ParameterizedType) type).getActualTypeArguments()[index];
    }
}
