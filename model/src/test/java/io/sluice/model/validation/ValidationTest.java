package io.sluice.model.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.Manifests;
import io.sluice.model.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {

    private static final String UNKNOWN_AND_UNSUPPORTED = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: vs, namespace: ns1, colour: blue}
            spec:
              hosts: [a]
              extra: 1
              http:
              - route: [{destination: {host: a, hots: b}}]
                foo: 1
                match: [{statPrefix: s}]
              - match: [{uri: {prefix: /, bar: 2}}]
                route: [{destination: {host: a}}]
            """;

    static ValidationResult validate(String yaml, FieldValidation mode) throws Manifests.MalformedException {
        return Validation.validateDocument(Manifests.documents(yaml).getFirst(), mode);
    }

    @Test
    void strictReportsEveryUnknownFieldNotJustTheFirst() throws Exception {
        ValidationResult r = validate(UNKNOWN_AND_UNSUPPORTED, FieldValidation.STRICT);
        assertEquals(List.of("metadata.colour", "spec.extra", "spec.http[0].route[0].destination.hots",
                        "spec.http[0].foo", "spec.http[0].match[0].statPrefix", "spec.http[1].match[0].uri.bar"),
                r.errors().stream().map(Violation::field).toList());
        assertEquals(List.of(), r.warnings());
    }

    @Test
    void warnTurnsUnknownAndUnsupportedFieldsIntoWarnings() throws Exception {
        ValidationResult r = validate(UNKNOWN_AND_UNSUPPORTED, FieldValidation.WARN);
        assertTrue(r.valid(), r.errors()::toString);
        assertEquals(6, r.warnings().size());
        assertTrue(r.warnings().contains(new Violation("spec.http[0].match[0].statPrefix", "not supported yet")));
    }

    @Test
    void ignoreDropsUnknownFieldsButKeepsRuleViolations() throws Exception {
        ValidationResult r = validate("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: vs}
                spec: {hosts: [a], http: [{route: [{destination: {host: a}, weight: -1}]}], foo: 1}
                """, FieldValidation.IGNORE);
        assertEquals(List.of(new Violation("spec.http[0].route[0].weight",
                "Invalid value: -1: weight must not be negative")), r.errors());
        assertEquals(List.of(), r.warnings());
    }

    @Test
    void anH2UpgradePolicyIstioDoesNotHaveIsNamedWithTheOnesItHas() throws Exception {
        ValidationResult r = validate("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: dr}
                spec:
                  host: a
                  trafficPolicy: {connectionPool: {http: {h2UpgradePolicy: ALWAYS}}}
                """, FieldValidation.STRICT);
        assertEquals(List.of(new Violation("spec.trafficPolicy.connectionPool.http.h2UpgradePolicy",
                "Unsupported value: \"ALWAYS\": supported values: \"DEFAULT\", \"DO_NOT_UPGRADE\", \"UPGRADE\"")),
                r.errors());
    }

    @Test
    void localityFailoverGoesFromOneRegionToAnother() throws Exception {
        ValidationResult r = validate("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: dr}
                spec:
                  host: a
                  trafficPolicy:
                    loadBalancer:
                      localityLbSetting:
                        failover: [{from: eu-west, to: eu-west}, {from: us-east/1a, to: eu-west}, {to: us-east}]
                """, FieldValidation.STRICT);
        assertEquals(List.of(
                new Violation("spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0].to",
                        "Invalid value: \"eu-west\": must differ from 'from'"),
                new Violation("spec.trafficPolicy.loadBalancer.localityLbSetting.failover[1].from",
                        "Invalid value: \"us-east/1a\": failover is between regions: a region name, without zone or wildcard"),
                new Violation("spec.trafficPolicy.loadBalancer.localityLbSetting.failover[2].from",
                        "Required value: a region")),
                r.errors());
    }

    @Test
    void aDistributionsWeightsAddUpTo100OverLocalitiesWithAWildcardOnlyLast() throws Exception {
        ValidationResult r = validate("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: dr}
                spec:
                  host: a
                  trafficPolicy:
                    loadBalancer:
                      localityLbSetting:
                        distribute:
                        - {from: "eu-west/*", to: {"eu-west/eu-west-1a": 80, "eu-west/*": 20}}
                        - {from: "*/eu-west-1a", to: {"eu-west//r1": 90}}
                        failover: [{from: eu-west, to: us-east}]
                """, FieldValidation.STRICT);
        String at = "spec.trafficPolicy.loadBalancer.localityLbSetting.";
        assertEquals(List.of(
                new Violation(at + "distribute", "only one of distribute, failover or failoverPriority may be set"),
                new Violation(at + "distribute[1].from", "Invalid value: \"*/eu-west-1a\": a locality is "
                        + "region/zone/subzone, with * only as its last part"),
                new Violation(at + "distribute[1].to[eu-west//r1]", "Invalid value: \"eu-west//r1\": a locality is "
                        + "region/zone/subzone, with * only as its last part"),
                new Violation(at + "distribute[1].to", "Invalid value: 90: the weights must add up to 100")),
                r.errors());
    }

    @Test
    void aFailoverWithoutOutlierDetectionIsWrittenWithIstiosWarning() throws Exception {
        ValidationResult r = validate("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: dr}
                spec:
                  host: a
                  trafficPolicy:
                    loadBalancer: {localityLbSetting: {failover: [{from: eu-west, to: us-east}]}}
                  subsets:
                  - name: v1
                    labels: {version: v1}
                    trafficPolicy:
                      outlierDetection: {consecutive5xxErrors: 1}
                      loadBalancer: {localityLbSetting: {failoverPriority: [tier]}}
                """, FieldValidation.STRICT);
        assertTrue(r.valid(), r.errors()::toString);
        assertEquals(List.of(new Violation("spec.trafficPolicy.loadBalancer.localityLbSetting",
                "outlier detection policy must be provided for failover: without it no endpoint is ever failed over")),
                r.warnings(), "the subset detects outliers itself");
    }

    @Test
    void aFailoverPriorityIsALabelKeyOrKeyValue() throws Exception {
        ValidationResult r = validate("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: dr}
                spec:
                  host: a
                  trafficPolicy:
                    loadBalancer:
                      localityLbSetting:
                        failoverPriority: [topology.kubernetes.io/region, "rack=", "tier=gold"]
                """, FieldValidation.STRICT);
        assertEquals(List.of(new Violation("spec.trafficPolicy.loadBalancer.localityLbSetting.failoverPriority[1]",
                "Invalid value: \"rack=\": a label key, or key=value")), r.errors());
    }

    @Test
    void aWorkloadEntrysLocalityIsRegionZoneSubzone() throws Exception {
        String entry = "apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: {name: we}\n"
                + "spec: {address: 10.0.0.1, locality: %s}\n";
        assertTrue(validate(entry.formatted("eu-west/eu-west-1a/rack1"), FieldValidation.STRICT).valid());
        assertEquals(List.of(new Violation("spec.locality",
                        "Invalid value: \"eu-west/a/b/c\": a locality is region/zone/subzone")),
                validate(entry.formatted("eu-west/a/b/c"), FieldValidation.STRICT).errors());
    }

    @Test
    void aDelegatingRuleAndItsHostlessDelegateAreValid() throws Exception {
        for (String spec : List.of("{hosts: [a], http: [{match: [{uri: {prefix: /api}}], delegate: {name: api}}]}",
                "{http: [{match: [{uri: {prefix: /api/v1}}], route: [{destination: {host: a}}]}]}")) {
            ValidationResult r = validate("apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
                    + "metadata: {name: vs}\nspec: " + spec + "\n", FieldValidation.STRICT);
            assertTrue(r.valid(), r.errors()::toString);
            assertEquals(List.of(), r.warnings());
        }
    }

    @Test
    void everyRuleViolationOfOneObjectIsCollected() throws Exception {
        ValidationResult r = validate("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  servers:
                  - {port: {number: 0, name: a, protocol: FTP}, hosts: [a.com]}
                  - {port: {number: 443, name: b, protocol: HTTPS}}
                """, FieldValidation.STRICT);
        assertEquals(List.of("spec.servers[0].port.number", "spec.servers[0].port.protocol", "spec.servers[1].hosts",
                "spec.servers[1].tls"), r.errors().stream().map(Violation::field).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: vs
          generateName: vs-
          creationTimestamp: null
          finalizers: [a/b]
          ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: c, uid: u}]
          managedFields: [{manager: kubectl}]
        spec:
          hosts: ["*.example.com", reviews]
          http:
          - match: [{uri: {regex: '/api/v[0-9]+/(users|items)(/.*)?'}, headers: {":authority": {exact: a}}}]
            route:
            - {destination: {host: reviews, subset: v1}, weight: 0}
            - {destination: {host: reviews, subset: v2, port: {number: 9080}}, weight: 100}
            timeout: 1h30m
            retries: {attempts: 3, perTryTimeout: 500ms, retryOn: 5xx}
            fault: {delay: {fixedDelay: 1.5s, percentage: {value: 0.1}}, abort: {httpStatus: 503, percentage: {value: 100}}}
            mirror: {host: shadow}
            mirrorPercentage: {value: 100.0}
            corsPolicy:
              allowOrigins: [{exact: "https://a.example.com"}, {prefix: "https://"}, {regex: "https://.*[.]example[.]com"}]
              allowOrigin: ["*"]
              allowMethods: [GET, POST, OPTIONS]
              allowHeaders: ["*"]
              exposeHeaders: [x-request-id]
              maxAge: 24h
              allowCredentials: true
              unmatchedPreflights: IGNORE
          - redirect: {uri: /new, redirectCode: 308}
          - directResponse: {status: 200, body: {string: ok}}
        """,
        """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer: {consistentHash: {httpCookie: {name: user, ttl: 10s, attributes: [{name: SameSite, value: Lax}, {name: Secure}]}}}
            connectionPool:
              tcp: {maxConnections: 100, connectTimeout: 30ms, idleTimeout: 1h, maxConnectionDuration: 10m,
                    tcpKeepalive: {time: 7200s, interval: 75s, probes: 9}}
              http: {http1MaxPendingRequests: 10, http2MaxRequests: 100, maxRequestsPerConnection: 1,
                     idleTimeout: 30s, maxRetries: 3}
            outlierDetection: {consecutive5xxErrors: 7, consecutiveGatewayErrors: 3, interval: 5m,
                               baseEjectionTime: 15m, maxEjectionPercent: 50, minHealthPercent: 20,
                               splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 3}
            portLevelSettings:
            - port: {number: 9080}
              loadBalancer: {simple: RANDOM}
              connectionPool: {http: {idleTimeout: 5s}}
              tls: {mode: SIMPLE}
          subsets:
          - name: v1
            labels: {version: v1}
            trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST, warmup: {duration: 60s, minimumPercent: 5, aggression: 1.5}}}
          - name: v2
            labels: {version: v2}
            trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user, ringHash: {minimumRingSize: 1024}}}}
        """,
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: db-by-network}
        spec:
          hosts: [db.internal]
          tcp:
          - match: [{port: 5432, destinationSubnets: [10.1.0.0/16, 192.168.0.7, "2001:db8::/32", "::1"]}]
            route: [{destination: {host: db.internal}}]
          - match: [{port: 5432, sourceSubnet: "::ffff:10.2.0.0/112"}]
            route: [{destination: {host: db.internal}}]
          - match: [{port: 5432, sourceSubnet: 0.0.0.0/0}]
            route: [{destination: {host: db.internal}}]
        """,
        """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: db}
        spec:
          hosts: [db.internal]
          addresses: [10.1.0.0/16, 192.168.0.7]
          location: MESH_INTERNAL
          resolution: DNS
          ports: [{number: 5432, name: tcp, protocol: tcp}]
        """,
        """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: vms}
        spec:
          hosts: [vm.internal]
          resolution: STATIC
          ports: [{number: 80, name: http, protocol: HTTP}]
          endpoints: [{address: 10.0.0.1, ports: {http: 8080}, labels: {app: vm}}]
        """,
        """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: gw}
        spec:
          servers:
          - {port: {number: 443, name: https, protocol: https}, hosts: [ns1/a.com], tls: {mode: MUTUAL, credentialName: c}}
          - {port: {number: 8443, name: files, protocol: HTTPS}, hosts: ["*/b.com"],
             tls: {mode: SIMPLE, serverCertificate: /c.pem, privateKey: /k.pem}}
          - {port: {number: 15443, name: tls, protocol: TLS}, hosts: ["*"], tls: {mode: AUTO_PASSTHROUGH}}
        """,
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: cred}
        type: kubernetes.io/tls
        data: {tls.crt: YWJj, tls.key: ZGVm}
        """,
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: opaque}
        stringData: {password: s3cret}
        immutable: true
        """,
        """
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          type: LoadBalancer
          sessionAffinity: ClientIP
          loadBalancerSourceRanges: [10.0.0.0/8]
          ports: [{name: http, port: 80, targetPort: http-web}, {name: grpc, port: 9090, protocol: TCP}]
        """,
        """
        apiVersion: sluice.io/v1
        kind: MeshConfig
        metadata: {name: mesh, namespace: istio-system}
        spec: {outboundTrafficPolicy: {mode: REGISTRY_ONLY}}
        """,
        // Istio's Sidecar reference: one port-scoped listener, the catch-all last
        """
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: ratings, namespace: prod-us1}
        spec:
          workloadSelector: {labels: {app: ratings}}
          egress:
          - port: {number: 9080, protocol: HTTP, name: egresshttp}
            hosts: ["prod-us1/*"]
          - hosts: ["istio-system/*", "./*.example.com", "~/*"]
          outboundTrafficPolicy: {mode: REGISTRY_ONLY}
        """
    })
    void validDocumentsHaveNoFindings(String yaml) throws Exception {
        ValidationResult r = validate(yaml, FieldValidation.STRICT);
        assertEquals(List.of(), r.errors());
        assertEquals(List.of(), r.warnings());
    }

    @Test
    void fieldValidationParsesKubectlSpelling() {
        assertEquals(FieldValidation.STRICT, FieldValidation.parse(null));
        assertEquals(FieldValidation.WARN, FieldValidation.parse("Warn"));
        assertEquals(FieldValidation.IGNORE, FieldValidation.parse("Ignore"));
        assertThrows(IllegalArgumentException.class, () -> FieldValidation.parse("Loud"));
    }
}
