package io.sluice.model.kubernetes;

import java.util.List;

/** Kubernetes networking.k8s.io/v1 Ingress. */
public record IngressSpec(String ingressClassName, IngressBackend defaultBackend, List<IngressTLS> tls,
                          List<IngressRule> rules) {

    /** The deprecated annotation the book uses to pick a controller. */
    public static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";

    public IngressSpec {
        tls = tls == null ? List.of() : List.copyOf(tls);
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    public record IngressBackend(IngressServiceBackend service, TypedLocalObjectReference resource) {
    }

    public record IngressServiceBackend(String name, ServiceBackendPort port) {
    }

    public record ServiceBackendPort(Integer number, String name) {
    }

    public record TypedLocalObjectReference(String apiGroup, String kind, String name) {
    }

    public record IngressTLS(List<String> hosts, String secretName) {

        public IngressTLS {
            hosts = hosts == null ? List.of() : List.copyOf(hosts);
        }
    }

    public record IngressRule(String host, HTTPIngressRuleValue http) {
    }

    public record HTTPIngressRuleValue(List<HTTPIngressPath> paths) {

        public HTTPIngressRuleValue {
            paths = paths == null ? List.of() : List.copyOf(paths);
        }
    }

    public record HTTPIngressPath(String path, String pathType, IngressBackend backend) {
    }
}
