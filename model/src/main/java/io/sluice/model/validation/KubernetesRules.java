package io.sluice.model.validation;

import static io.sluice.model.validation.Findings.at;
import static io.sluice.model.validation.Findings.key;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.model.kubernetes.IngressSpec;
import io.sluice.model.kubernetes.ServiceSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The checks the Kubernetes API server makes on the kinds Sluice stores, in its words. */
final class KubernetesRules {

    static final List<String> SERVICE_TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");
    static final List<String> PORT_PROTOCOLS = List.of("TCP", "UDP", "SCTP");
    static final List<String> SESSION_AFFINITIES = List.of("None", "ClientIP");
    static final List<String> PATH_TYPES = List.of("Exact", "Prefix", "ImplementationSpecific");
    private static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    /** A named targetPort refers to a container port, whose names are IANA service names. */
    private static final Pattern PORT_NAME = Pattern.compile("(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?=[a-z0-9]))*");

    private KubernetesRules() {
    }

    static void service(ServiceSpec spec, Findings f) {
        if (spec.type() != null && !SERVICE_TYPES.contains(spec.type())) {
            f.unsupported("spec.type", spec.type(), SERVICE_TYPES);
        }
        if ("ExternalName".equals(spec.type()) && (spec.externalName() == null || spec.externalName().isBlank())) {
            f.required("spec.externalName", "");
        }
        if (!"ExternalName".equals(spec.type()) && spec.ports().isEmpty()) {
            f.required("spec.ports", "");
        }
        if (spec.sessionAffinity() != null && !SESSION_AFFINITIES.contains(spec.sessionAffinity())) {
            f.unsupported("spec.sessionAffinity", spec.sessionAffinity(), SESSION_AFFINITIES);
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < spec.ports().size(); i++) {
            var port = spec.ports().get(i);
            String p = at("spec.ports", i);
            if (port.name() == null || port.name().isEmpty()) {
                if (spec.ports().size() > 1) {
                    f.required(at(p, "name"), "must be specified when there is more than one port");
                }
            } else if (!names.add(port.name())) {
                f.duplicate(at(p, "name"), port.name());
            } else {
                Formats.dns1123Label(f, at(p, "name"), port.name());
            }
            if (port.port() == null) {
                f.required(at(p, "port"), "");
            }
            Formats.port(f, at(p, "port"), port.port());
            Formats.port(f, at(p, "nodePort"), port.nodePort());
            targetPort(port.targetPort(), at(p, "targetPort"), f);
            if (port.protocol() != null && !PORT_PROTOCOLS.contains(port.protocol())) {
                f.unsupported(at(p, "protocol"), port.protocol(), PORT_PROTOCOLS);
            }
        }
    }

    private static void targetPort(JsonNode target, String path, Findings f) {
        if (target == null || target.isNull()) {
            return;
        }
        if (target.isIntegralNumber()) {
            if (!target.canConvertToInt() || target.asInt() < 1 || target.asInt() > 65535) {
                f.invalid(path, target.asText(), "must be between 1 and 65535, inclusive");
            }
        } else if (!target.isTextual() || target.asText().length() > 15
                || !PORT_NAME.matcher(target.asText()).matches()) {
            f.invalid(path, target.asText(), "must be a port number or an IANA service name (at most 15 characters,"
                    + " lower case alphanumerics and '-', at least one letter)");
        }
    }

    static void ingress(IngressSpec spec, Findings f) {
        if (spec.defaultBackend() == null && spec.rules().isEmpty()) {
            f.required("spec", "either `defaultBackend` or `rules` must be specified");
        }
        if (spec.defaultBackend() != null) {
            backend(spec.defaultBackend(), "spec.defaultBackend", f);
        }
        for (int i = 0; i < spec.rules().size(); i++) {
            var rule = spec.rules().get(i);
            String p = at("spec.rules", i);
            if (rule.host() != null) {
                ingressHost(rule.host(), at(p, "host"), f);
            }
            if (rule.http() == null) {
                continue;
            }
            if (rule.http().paths().isEmpty()) {
                f.required(at(p, "http.paths"), "");
            }
            for (int j = 0; j < rule.http().paths().size(); j++) {
                path(rule.http().paths().get(j), at(at(p, "http.paths"), j), f);
            }
        }
        for (int i = 0; i < spec.tls().size(); i++) {
            var hosts = spec.tls().get(i).hosts();
            for (int j = 0; hosts != null && j < hosts.size(); j++) {
                ingressHost(hosts.get(j), at(at(at("spec.tls", i), "hosts"), j), f);
            }
        }
    }

    private static void ingressHost(String host, String path, Findings f) {
        if (Formats.ip(host)) {
            f.invalid(path, host, "must be a DNS name, not an IP address");
        } else {
            Formats.dns1123Subdomain(f, path, host.startsWith("*.") ? host.substring(2) : host);
        }
    }

    private static void path(IngressSpec.HTTPIngressPath path, String p, Findings f) {
        if (path.pathType() == null) {
            f.required(at(p, "pathType"), "pathType must be specified");
        } else if (!PATH_TYPES.contains(path.pathType())) {
            f.unsupported(at(p, "pathType"), path.pathType(), PATH_TYPES);
        }
        if (path.path() != null && !path.path().startsWith("/")) {
            f.invalid(at(p, "path"), path.path(), "must be an absolute path");
        } else if (path.path() == null && !"ImplementationSpecific".equals(path.pathType())) {
            f.required(at(p, "path"), "must be specified when pathType is " + path.pathType());
        }
        if (path.backend() == null) {
            f.required(at(p, "backend"), "");
        } else {
            backend(path.backend(), at(p, "backend"), f);
        }
    }

    private static void backend(IngressSpec.IngressBackend backend, String path, Findings f) {
        // a resource backend is reported as not supported by the schema walk
        if (backend.service() == null) {
            if (backend.resource() == null) {
                f.required(at(path, "service"), "a backend must name a service");
            }
            return;
        }
        var service = backend.service();
        if (service.name() == null || service.name().isBlank()) {
            f.required(at(path, "service.name"), "");
        } else {
            Formats.dns1035Label(f, at(path, "service.name"), service.name());
        }
        var port = service.port();
        if (port == null || (port.number() == null && port.name() == null)) {
            f.required(at(path, "service.port"), "port name or number is required");
        } else if (port.number() != null && port.name() != null) {
            f.error(at(path, "service.port"), "cannot set both port name & port number");
        } else {
            Formats.port(f, at(path, "service.port.number"), port.number());
        }
    }

    /** A Secret of type kubernetes.io/tls must carry a certificate and key; other types are opaque here. */
    static void secret(JsonNode body, Findings f) {
        String type = body.path("type").asText("Opaque");
        JsonNode data = body.path("data");
        JsonNode stringData = body.path("stringData");
        data.properties().forEach(e -> {
            String p = key("data", e.getKey());
            secretKey(e.getKey(), p, f);
            Formats.base64(f, p, e.getValue().asText());
        });
        stringData.properties().forEach(e -> secretKey(e.getKey(), key("stringData", e.getKey()), f));
        if (type.equals("kubernetes.io/tls")) {
            for (String k : List.of("tls.crt", "tls.key")) {
                if (!data.has(k) && !stringData.has(k)) {
                    f.required(key("data", k), "a kubernetes.io/tls secret must have " + k);
                }
            }
        }
    }

    private static void secretKey(String name, String path, Findings f) {
        if (name.length() > 253 || !SECRET_KEY.matcher(name).matches()) {
            f.invalid(path, name, "a valid config key must consist of alphanumeric characters, '-', '_' or '.'");
        }
    }
}
