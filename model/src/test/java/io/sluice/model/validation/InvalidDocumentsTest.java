package io.sluice.model.validation;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.sluice.model.Manifests;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One invalid document per row: strict validation must name the field and say why. */
class InvalidDocumentsTest {

    static String doc(String apiVersion, String kind, String spec) {
        return "apiVersion: " + apiVersion + "\nkind: " + kind
                + "\nmetadata:\n  name: x\n  namespace: ns1\nspec:\n" + spec.indent(2);
    }

    static String vs(String spec) {
        return doc("networking.istio.io/v1beta1", "VirtualService", spec);
    }

    /** A VirtualService with one HTTP rule written in YAML flow style. */
    static String rule(String flow) {
        return vs("hosts: [a]\nhttp:\n- " + flow);
    }

    static String match(String flow) {
        return rule("{match: [" + flow + "], route: [{destination: {host: a}}]}");
    }

    static String dr(String spec) {
        return doc("networking.istio.io/v1beta1", "DestinationRule", spec);
    }

    static String gw(String spec) {
        return doc("networking.istio.io/v1beta1", "Gateway", spec);
    }

    /** A Gateway with one server. */
    static String server(String flow) {
        return gw("servers:\n- " + flow);
    }

    static String se(String spec) {
        return doc("networking.istio.io/v1beta1", "ServiceEntry", spec);
    }

    static String ingressPath(String flow) {
        return doc("networking.k8s.io/v1", "Ingress", "rules:\n- http:\n    paths:\n    - " + flow);
    }

    static String svc(String spec) {
        return doc("v1", "Service", spec);
    }

    static Stream<Arguments> invalidDocuments() {
        String to = "route: [{destination: {host: a}}]";
        return Stream.of(
                // VirtualService
                arguments(vs("http: [{" + to + "}]"), "spec.hosts", "Required value"),
                arguments(vs("hosts: [a]"), "spec.http", "at least one route"),
                arguments(rule("{match: [{uri: {prefix: /}}]}"), "spec.http[0]", "route, redirect or directResponse"),
                arguments(rule("{route: [{destination: {subset: v1}}]}"), "spec.http[0].route[0].destination.host",
                        "Required value"),
                arguments(rule("{route: [{weight: 100}]}"), "spec.http[0].route[0].destination", "Required value"),
                arguments(rule("{route: [{destination: {host: a}, weight: -10}, {destination: {host: b}, weight: 110}]}"),
                        "spec.http[0].route[0].weight", "must not be negative"),
                arguments(rule("{route: [{destination: {host: a}, weight: 0}, {destination: {host: b}, weight: 0}]}"),
                        "spec.http[0].route", "greater than 0"),
                arguments(rule("{redirect: {uri: /b}, rewrite: {uri: /c}}"), "spec.http[0].rewrite",
                        "both rewrite and redirect"),
                arguments(rule("{redirect: {uri: /b}, " + to + "}"), "spec.http[0].redirect", "both route and redirect"),
                arguments(rule("{directResponse: {status: 503}, " + to + "}"), "spec.http[0].directResponse",
                        "cannot be combined with route or redirect"),
                arguments(rule("{directResponse: {status: 503}, redirect: {uri: /b}}"), "spec.http[0].directResponse",
                        "cannot be combined with route or redirect"),
                arguments(match("{uri: {regex: '[a-'}}"), "spec.http[0].match[0].uri.regex", "invalid regex"),
                arguments(match("{uri: {regex: '/(?=api)'}}"), "spec.http[0].match[0].uri.regex",
                        "RE2 does not support lookahead"),
                arguments(match("{uri: {regex: '/(?!api)'}}"), "spec.http[0].match[0].uri.regex",
                        "RE2 does not support negative lookahead"),
                arguments(match("{uri: {regex: '(?<=v1)/x'}}"), "spec.http[0].match[0].uri.regex",
                        "RE2 does not support lookbehind"),
                arguments(match("{uri: {regex: '(?<!v1)/x'}}"), "spec.http[0].match[0].uri.regex",
                        "RE2 does not support negative lookbehind"),
                arguments(match("{uri: {regex: '/(a)\\1'}}"), "spec.http[0].match[0].uri.regex",
                        "RE2 does not support backreferences"),
                arguments(match("{uri: {regex: '/a*+'}}"), "spec.http[0].match[0].uri.regex",
                        "RE2 does not support possessive"),
                arguments(match("{uri: {regex: '(?>a|ab)c'}}"), "spec.http[0].match[0].uri.regex",
                        "RE2 does not support atomic groups"),
                arguments(match("{uri: {exact: /a, prefix: /}}"), "spec.http[0].match[0].uri",
                        "only one of exact, prefix or regex"),
                arguments(match("{authority: {prefix: a, regex: 'a.*'}}"), "spec.http[0].match[0].authority",
                        "only one of exact, prefix or regex"),
                arguments(match("{headers: {x-user: {regex: '(a'}}}"), "spec.http[0].match[0].headers[x-user].regex",
                        "invalid regex"),
                arguments(match("{queryParams: {v: {regex: '(?=1)'}}}"), "spec.http[0].match[0].queryParams[v].regex",
                        "RE2 does not support lookahead"),
                arguments(match("{headers: {\"bad header\": {exact: a}}}"),
                        "spec.http[0].match[0].headers[bad header]", "invalid header name"),
                arguments(match("{port: 0}"), "spec.http[0].match[0].port", "between 1 and 65535"),
                arguments(rule("{" + to + ", headers: {request: {set: {\"x bad\": v}}}}"),
                        "spec.http[0].headers.request.set[x bad]", "invalid header name"),
                arguments(rule("{" + to + ", headers: {response: {remove: [\"a(b)\"]}}}"),
                        "spec.http[0].headers.response.remove[0]", "invalid header name"),
                arguments(rule("{" + to + ", timeout: '1.5'}"), "spec.http[0].timeout", "not a valid duration"),
                arguments(rule("{" + to + ", timeout: -1s}"), "spec.http[0].timeout", "at least 1ms"),
                arguments(rule("{" + to + ", timeout: 0s}"), "spec.http[0].timeout", "at least 1ms"),
                arguments(rule("{" + to + ", timeout: 1.5ms}"), "spec.http[0].timeout", "ms precision"),
                arguments(rule("{" + to + ", timeout: 10 seconds}"), "spec.http[0].timeout", "not a valid duration"),
                arguments(rule("{" + to + ", retries: {attempts: 3, perTryTimeout: 2sec}}"),
                        "spec.http[0].retries.perTryTimeout", "not a valid duration"),
                arguments(rule("{" + to + ", retries: {attempts: -1}}"), "spec.http[0].retries.attempts", "negative"),
                arguments(rule("{" + to + ", retries: {attempts: 2, retryOn: '5xx,connect-failures'}}"),
                        "spec.http[0].retries.retryOn", "Unsupported value: \"connect-failures\""),
                arguments(rule("{" + to + ", fault: {delay: {fixedDelay: 5x, percentage: {value: 10}}}}"),
                        "spec.http[0].fault.delay.fixedDelay", "not a valid duration"),
                arguments(rule("{" + to + ", fault: {delay: {fixedDelay: 5s, percentage: {value: 150}}}}"),
                        "spec.http[0].fault.delay.percentage.value", "range [0.0, 100.0]"),
                arguments(rule("{" + to + ", fault: {abort: {httpStatus: 503, percentage: {value: -1}}}}"),
                        "spec.http[0].fault.abort.percentage.value", "range [0.0, 100.0]"),
                arguments(rule("{" + to + ", fault: {abort: {httpStatus: 700}}}"), "spec.http[0].fault.abort.httpStatus",
                        "200 to 599"),
                arguments(rule("{" + to + ", fault: {}}"), "spec.http[0].fault", "an abort and/or a delay"),
                arguments(rule("{redirect: {uri: /b, redirectCode: 200}}"), "spec.http[0].redirect.redirectCode", "3xx"),
                arguments(rule("{directResponse: {status: 600}}"), "spec.http[0].directResponse.status", "200 to 599"),
                arguments(rule("{directResponse: {status: 100}}"), "spec.http[0].directResponse.status", "200 to 599"),
                arguments(rule("{" + to + ", mirror: {host: b}, mirrorPercentage: {value: 100.5}}"),
                        "spec.http[0].mirrorPercentage.value", "range [0.0, 100.0]"),
                arguments(rule("{" + to + ", foo: 1}"), "spec.http[0].foo", "unknown field \"foo\""),
                arguments(rule("{route: [{destination: {hots: a, host: a}}]}"), "spec.http[0].route[0].destination.hots",
                        "unknown field \"hots\""),
                arguments(rule("{" + to + ", corsPolicy: {allowOrigins: [{exact: a}]}}"), "spec.http[0].corsPolicy",
                        "not supported yet"),
                arguments(rule("{delegate: {name: other}}"), "spec.http[0].delegate", "not supported yet"),
                arguments(vs("hosts: [a]\ntcp:\n- route: [{destination: {host: a}}]"), "spec.tcp", "not supported yet"),
                arguments(match("{sourceLabels: {app: a}}"), "spec.http[0].match[0].sourceLabels", "not supported yet"),
                arguments(match("{sourceNamespace: other}"), "spec.http[0].match[0].sourceNamespace",
                        "not supported yet"),
                arguments(rule("{route: [{destination: {host: a}, weight: abc}]}"), "spec.http[0].route[0].weight",
                        "must be of type integer"),
                arguments(vs("hosts: a\nhttp: [{" + to + "}]"), "spec.hosts", "must be of type array"),
                arguments(rule("{route: [{destination: {host: a, port: {number: 70000}}}]}"),
                        "spec.http[0].route[0].destination.port.number", "between 1 and 65535"),
                arguments(vs("hosts: [a]\ntls:\n- match: [{port: 443}]\n  route: [{destination: {host: a}}]"),
                        "spec.tls[0].match[0].sniHosts", "Required value"),
                arguments(vs("hosts: [bad_host!]\nhttp: [{" + to + "}]"), "spec.hosts[0]", "invalid host"),
                arguments("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspc: {}",
                        "spc", "unknown field \"spc\""),
                arguments("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x, lables: {}}\n"
                        + "spec: {hosts: [a], http: [{" + to + "}]}", "metadata.lables", "unknown field \"lables\""),
                arguments("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: Bad_Name}\n"
                        + "spec: {hosts: [a], http: [{" + to + "}]}", "metadata.name", "RFC 1123 subdomain"),
                arguments("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: a, namespace: Ns.1}\n"
                        + "spec: {hosts: [a], http: [{" + to + "}]}", "metadata.namespace", "RFC 1123 label"),
                arguments("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: a, labels: {app: -x-}}\n"
                        + "spec: {hosts: [a], http: [{" + to + "}]}", "metadata.labels[app]", "valid label"),
                // DestinationRule
                arguments(dr("subsets: [{name: v1}]"), "spec.host", "Required value"),
                arguments(dr("host: a\nsubsets: [{name: v1}, {name: v1}]"), "spec.subsets[1].name",
                        "Duplicate value: \"v1\""),
                arguments(dr("host: a\nsubsets: [{labels: {version: v1}}]"), "spec.subsets[0].name", "Required value"),
                arguments(dr("host: a\nworkloadSelector: {matchLabels: {app: a}}"), "spec.workloadSelector",
                        "not supported yet"),
                arguments(dr("host: a\ntrafficPolicy: {tunnel: {protocol: CONNECT}}"), "spec.trafficPolicy.tunnel",
                        "not supported yet"),
                arguments(dr("host: a\nsubsets: [{name: v1, trafficPolicy: {proxyProtocol: {version: V1}}}]"),
                        "spec.subsets[0].trafficPolicy.proxyProtocol", "not supported yet"),
                arguments(dr("host: a\ntrafficPolicy: {loadBalancer: {simple: LEAST_LOADED}}"),
                        "spec.trafficPolicy.loadBalancer.simple", "Unsupported value: \"LEAST_LOADED\""),
                arguments(dr("host: a\ntrafficPolicy: {loadBalancer: {consistentHash: {}}}"),
                        "spec.trafficPolicy.loadBalancer.consistentHash", "exactly one of httpHeaderName"),
                arguments(dr("host: a\ntrafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {ttl: 10s}}}}"),
                        "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name", "Required value"),
                arguments(dr("host: a\ntrafficPolicy: {connectionPool: {tcp: {maxConnections: 0}}}"),
                        "spec.trafficPolicy.connectionPool.tcp.maxConnections", "must be at least 1"),
                arguments(dr("host: a\ntrafficPolicy: {connectionPool: {tcp: {connectTimeout: 10}}}"),
                        "spec.trafficPolicy.connectionPool.tcp.connectTimeout", "must be of type string"),
                arguments(dr("host: a\ntrafficPolicy: {connectionPool: {http: {idleTimeout: 1h}}}"),
                        "spec.trafficPolicy.connectionPool.http.idleTimeout", "not supported yet"),
                arguments(dr("host: a\ntrafficPolicy: {connectionPool: {http: {maxRetries: 3}}}"),
                        "spec.trafficPolicy.connectionPool.http.maxRetries", "not supported yet"),
                arguments(dr("host: a\nsubsets: [{name: v1, trafficPolicy: {outlierDetection: {maxEjectionPercent: 150}}}]"),
                        "spec.subsets[0].trafficPolicy.outlierDetection.maxEjectionPercent", "range [0, 100]"),
                arguments(dr("host: a\ntrafficPolicy: {outlierDetection: {baseEjectionTime: 30}}"),
                        "spec.trafficPolicy.outlierDetection.baseEjectionTime", "must be of type string"),
                arguments(dr("host: a\ntrafficPolicy: {outlierDetection: {consecutive5xx: 3}}"),
                        "spec.trafficPolicy.outlierDetection.consecutive5xx", "unknown field"),
                // Gateway
                arguments(gw("selector: {istio: ingressgateway}"), "spec.servers", "Required value"),
                arguments(server("{port: {number: 80, name: http, protocol: HTTP}}"), "spec.servers[0].hosts",
                        "Required value"),
                arguments(server("{hosts: [a.com]}"), "spec.servers[0].port", "Required value"),
                arguments(server("{port: {number: 0, name: http, protocol: HTTP}, hosts: [a.com]}"),
                        "spec.servers[0].port.number", "between 1 and 65535"),
                arguments(server("{port: {number: 65536, name: http, protocol: HTTP}, hosts: [a.com]}"),
                        "spec.servers[0].port.number", "between 1 and 65535"),
                arguments(server("{port: {number: 21, name: ftp, protocol: FTP}, hosts: [a.com]}"),
                        "spec.servers[0].port.protocol", "Unsupported value: \"FTP\""),
                arguments(server("{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.com]}"),
                        "spec.servers[0].tls", "Required value"),
                arguments(server("{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.com], tls: {mode: SIMPLE}}"),
                        "spec.servers[0].tls.credentialName", "SIMPLE TLS requires credentialName"),
                arguments(server("{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.com], tls: {mode: MUTUAL}}"),
                        "spec.servers[0].tls.credentialName", "MUTUAL TLS requires credentialName"),
                arguments(server("{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.com], tls: {mode: STRICT}}"),
                        "spec.servers[0].tls.mode", "Unsupported value: \"STRICT\""),
                arguments(server("{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.com],"
                        + " tls: {mode: ISTIO_MUTUAL, credentialName: c}}"), "spec.servers[0].tls",
                        "cannot have associated credentials"),
                arguments(server("{port: {number: 80, name: http, protocol: HTTP}, hosts: [a.com], bind: 0.0.0.0}"),
                        "spec.servers[0].bind", "not supported yet"),
                arguments(server("{port: {number: 80, name: http, protocol: HTTP}, hosts: [a.com],"
                        + " defaultEndpoint: '127.0.0.1:8080'}"), "spec.servers[0].defaultEndpoint", "not supported yet"),
                arguments(gw("servers:\n- {port: {number: 80, name: http, protocol: HTTP}, hosts: [a.com]}\n"
                        + "- {port: {number: 81, name: http, protocol: HTTP}, hosts: [b.com]}"),
                        "spec.servers[1].port.name", "Duplicate value: \"http\""),
                arguments(server("{port: {number: 80, name: http, protocol: HTTP}, hosts: [a.com], tls: {mod: SIMPLE}}"),
                        "spec.servers[0].tls.mod", "unknown field \"mod\""),
                // ServiceEntry
                arguments(se("ports: [{number: 80, name: http, protocol: HTTP}]"), "spec.hosts", "Required value"),
                arguments(se("hosts: ['*']\nresolution: NONE"), "spec.hosts[0]", "cannot capture every host"),
                arguments(se("hosts: [db.internal]\nresolution: STATIC\nports: [{number: 5432, name: tcp, protocol: TCP}]"),
                        "spec.endpoints", "STATIC resolution requires endpoints"),
                arguments(se("hosts: [a.com]\nlocation: OUTSIDE"), "spec.location", "Unsupported value: \"OUTSIDE\""),
                arguments(se("hosts: [a.com]\nresolution: DYNAMIC"), "spec.resolution", "Unsupported value: \"DYNAMIC\""),
                arguments(se("hosts: [a.com]\nports: [{name: http, protocol: HTTP}]"), "spec.ports[0].number",
                        "Required value"),
                arguments(se("hosts: [a.com]\nports: [{number: 80, name: http}]"), "spec.ports[0].protocol",
                        "Required value"),
                arguments(se("hosts: [a.com]\nports: [{number: 80, name: http, protocol: FTP}]"), "spec.ports[0].protocol",
                        "Unsupported value"),
                arguments(se("hosts: [a.com]\nresolution: STATIC\nendpoints: [{address: 10.0.0.1, network: n1}]"),
                        "spec.endpoints[0].network", "not supported yet"),
                arguments(se("hosts: [a.com]\nresolution: STATIC\nendpoints: [{address: db.example.com}]"),
                        "spec.endpoints[0].address", "requires an IP address"),
                arguments(se("hosts: [a.com]\naddresses: [not-an-ip]"), "spec.addresses[0]", "IP address or CIDR"),
                arguments(se("hosts: [a.com]\nresolution: STATIC\nports: [{number: 80, name: http, protocol: HTTP}]\n"
                        + "endpoints: [{address: 10.0.0.1, ports: {grpc: 9090}}]"), "spec.endpoints[0].ports[grpc]",
                        "not defined by the service entry"),
                // WorkloadEntry
                arguments(doc("networking.istio.io/v1", "WorkloadEntry", "address: 10.0.0.1\nlocality: us-east1"),
                        "spec.locality", "not supported yet"),
                arguments(doc("networking.istio.io/v1", "WorkloadEntry", "labels: {app: a}"), "spec.address",
                        "Required value"),
                // Ingress
                arguments(ingressPath("{path: api, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}"),
                        "spec.rules[0].http.paths[0].path", "must be an absolute path"),
                arguments(ingressPath("{path: /, backend: {service: {name: a, port: {number: 80}}}}"),
                        "spec.rules[0].http.paths[0].pathType", "Required value"),
                arguments(ingressPath("{path: /, pathType: Regex, backend: {service: {name: a, port: {number: 80}}}}"),
                        "spec.rules[0].http.paths[0].pathType", "Unsupported value: \"Regex\""),
                arguments(ingressPath("{path: /, pathType: Prefix, backend: {}}"),
                        "spec.rules[0].http.paths[0].backend.service", "Required value"),
                arguments(ingressPath("{path: /, pathType: Prefix, backend: {resource: {kind: Bucket, name: b}}}"),
                        "spec.rules[0].http.paths[0].backend.resource", "not supported yet"),
                arguments(ingressPath("{path: /, pathType: Prefix, backend: {service: {name: a, port: {number: 80, name: http}}}}"),
                        "spec.rules[0].http.paths[0].backend.service.port", "cannot set both"),
                // Service
                arguments(svc("ports: [{port: 0}]"), "spec.ports[0].port", "between 1 and 65535"),
                arguments(svc("ports: [{port: 70000}]"), "spec.ports[0].port", "between 1 and 65535"),
                arguments(svc("ports: [{port: 80, targetPort: 70000}]"), "spec.ports[0].targetPort", "between 1 and 65535"),
                arguments(svc("ports: [{port: 80, prot: TCP}]"), "spec.ports[0].prot", "unknown field \"prot\""),
                arguments(svc("type: Internal\nports: [{port: 80}]"), "spec.type", "Unsupported value: \"Internal\""),
                arguments(svc("ports: [{port: 80}, {port: 81}]"), "spec.ports[0].name", "more than one port"),
                arguments("apiVersion: v1\nkind: Service\nmetadata: {name: 1svc}\nspec: {ports: [{port: 80}]}",
                        "metadata.name", "DNS-1035 label"),
                // Secret, MeshConfig, Namespace
                arguments("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/tls\n"
                        + "data: {tls.crt: YWJj}", "data[tls.key]", "must have tls.key"),
                arguments("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/tls\n"
                        + "data: {tls.crt: 'not base64!', tls.key: YWJj}", "data[tls.crt]", "illegal base64"),
                arguments("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndta: {a: YWJj}", "dta",
                        "unknown field \"dta\""),
                arguments(doc("sluice.io/v1", "MeshConfig", "outboundTrafficPolicy: {mode: DENY_ALL}"),
                        "spec.outboundTrafficPolicy.mode", "Unsupported value: \"DENY_ALL\""),
                arguments("apiVersion: v1\nkind: Namespace\nmetadata: {name: a.b}", "metadata.name", "RFC 1123 label"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("invalidDocuments")
    void strictValidationNamesTheFieldAndTheReason(String yaml, String field, String reason) throws Exception {
        var doc = Manifests.documents(yaml).getFirst();
        ValidationResult result = Validation.validateDocument(doc, FieldValidation.STRICT);
        assertTrue(result.errors().stream().anyMatch(v -> v.field().equals(field) && v.reason().contains(reason)),
                () -> "expected " + field + ": ..." + reason + "... in " + result.errors() + "\n" + yaml);
    }
}
