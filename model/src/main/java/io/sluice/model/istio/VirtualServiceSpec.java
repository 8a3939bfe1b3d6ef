package io.sluice.model.istio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** networking.istio.io VirtualService, field for field. */
public record VirtualServiceSpec(List<String> hosts,
                                 List<String> gateways,
                                 List<HTTPRoute> http,
                                 List<TLSRoute> tls,
                                 List<TCPRoute> tcp,
                                 List<String> exportTo) {

    public VirtualServiceSpec {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        gateways = gateways == null ? List.of() : List.copyOf(gateways);
        http = http == null ? List.of() : List.copyOf(http);
        tls = tls == null ? List.of() : List.copyOf(tls);
        tcp = tcp == null ? List.of() : List.copyOf(tcp);
        exportTo = exportTo == null ? List.of() : List.copyOf(exportTo);
    }

    /**
     * @param delegate      a VirtualService without hosts whose rules take this rule's place (Istio's
     *                      delegation, one level deep), their matches narrowed to this rule's
     * @param mirrorPercent deprecated by Istio for {@code mirrorPercentage}, which wins when both are set
     */
    public record HTTPRoute(String name,
                            List<HTTPMatchRequest> match,
                            List<HTTPRouteDestination> route,
                            HTTPRedirect redirect,
                            HTTPDirectResponse directResponse,
                            Delegate delegate,
                            HTTPRewrite rewrite,
                            String timeout,
                            HTTPRetry retries,
                            HTTPFaultInjection fault,
                            Destination mirror,
                            Percent mirrorPercentage,
                            Integer mirrorPercent,
                            List<HTTPMirrorPolicy> mirrors,
                            CorsPolicy corsPolicy,
                            Headers headers) {

        public HTTPRoute {
            match = match == null ? List.of() : List.copyOf(match);
            route = route == null ? List.of() : List.copyOf(route);
            mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
        }
    }

    /** The delegate VirtualService; its namespace defaults to the root's. */
    public record Delegate(String name, String namespace) {
    }

    public record HTTPMatchRequest(String name,
                                   StringMatch uri,
                                   StringMatch scheme,
                                   StringMatch method,
                                   StringMatch authority,
                                   Map<String, StringMatch> headers,
                                   Integer port,
                                   Map<String, String> sourceLabels,
                                   List<String> gateways,
                                   Map<String, StringMatch> queryParams,
                                   Boolean ignoreUriCase,
                                   Map<String, StringMatch> withoutHeaders,
                                   String sourceNamespace) {

        public HTTPMatchRequest {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            sourceLabels = sourceLabels == null ? Map.of() : Map.copyOf(sourceLabels);
            gateways = gateways == null ? List.of() : List.copyOf(gateways);
            queryParams = queryParams == null ? Map.of() : Map.copyOf(queryParams);
            withoutHeaders = withoutHeaders == null ? Map.of() : Map.copyOf(withoutHeaders);
        }
    }

    public record HTTPRouteDestination(Destination destination, Integer weight, Headers headers) {
    }

    public record Headers(HeaderOperations request, HeaderOperations response) {
    }

    public record HeaderOperations(Map<String, String> set, Map<String, String> add, List<String> remove) {

        public HeaderOperations {
            set = set == null ? Map.of() : Map.copyOf(set);
            add = add == null ? Map.of() : Map.copyOf(add);
            remove = remove == null ? List.of() : List.copyOf(remove);
        }
    }

    public record HTTPRedirect(String uri, String authority, Integer port, String derivePort, String scheme,
                               Integer redirectCode) {
    }

    public record HTTPRewrite(String uri, String authority, JsonNode uriRegexRewrite) {
    }

    public record HTTPDirectResponse(Integer status, HTTPBody body) {
    }

    public record HTTPBody(String string, String bytes) {
    }

    public record HTTPRetry(Integer attempts, String perTryTimeout, String retryOn, Boolean retryRemoteLocalities) {
    }

    public record HTTPFaultInjection(Delay delay, Abort abort) {

        public record Delay(String fixedDelay, Percent percentage, Integer percent) {
        }

        public record Abort(Integer httpStatus, String grpcStatus, Percent percentage) {
        }
    }

    public record HTTPMirrorPolicy(Destination destination, Percent percentage) {
    }

    /**
     * @param allowOrigin         deprecated by Istio for {@code allowOrigins}; each entry an exact match
     * @param unmatchedPreflights what to do with a preflight whose origin is not allowed: {@code FORWARD} it
     *                            upstream (the default) or {@code IGNORE} it (answer without CORS headers)
     */
    public record CorsPolicy(List<String> allowOrigin, List<StringMatch> allowOrigins, List<String> allowMethods,
                             List<String> allowHeaders, List<String> exposeHeaders, String maxAge,
                             Boolean allowCredentials, String unmatchedPreflights) {

        public CorsPolicy {
            allowOrigin = allowOrigin == null ? List.of() : List.copyOf(allowOrigin);
            allowOrigins = allowOrigins == null ? List.of() : List.copyOf(allowOrigins);
            allowMethods = allowMethods == null ? List.of() : List.copyOf(allowMethods);
            allowHeaders = allowHeaders == null ? List.of() : List.copyOf(allowHeaders);
            exposeHeaders = exposeHeaders == null ? List.of() : List.copyOf(exposeHeaders);
        }
    }

    public record TLSRoute(List<TLSMatchAttributes> match, List<RouteDestination> route) {

        public TLSRoute {
            match = match == null ? List.of() : List.copyOf(match);
            route = route == null ? List.of() : List.copyOf(route);
        }
    }

    public record TLSMatchAttributes(List<String> sniHosts, List<String> destinationSubnets, Integer port,
                                     Map<String, String> sourceLabels, List<String> gateways,
                                     String sourceNamespace) {

        public TLSMatchAttributes {
            sniHosts = sniHosts == null ? List.of() : List.copyOf(sniHosts);
            destinationSubnets = destinationSubnets == null ? List.of() : List.copyOf(destinationSubnets);
            sourceLabels = sourceLabels == null ? Map.of() : Map.copyOf(sourceLabels);
            gateways = gateways == null ? List.of() : List.copyOf(gateways);
        }
    }

    public record RouteDestination(Destination destination, Integer weight) {
    }

    /** Opaque TCP streams: the first rule whose match applies takes a Gateway server port's connections. */
    public record TCPRoute(List<L4MatchAttributes> match, List<RouteDestination> route) {

        public TCPRoute {
            match = match == null ? List.of() : List.copyOf(match);
            route = route == null ? List.of() : List.copyOf(route);
        }
    }

    public record L4MatchAttributes(List<String> destinationSubnets, Integer port, String sourceSubnet,
                                    Map<String, String> sourceLabels, List<String> gateways,
                                    String sourceNamespace) {

        public L4MatchAttributes {
            destinationSubnets = destinationSubnets == null ? List.of() : List.copyOf(destinationSubnets);
            gateways = gateways == null ? List.of() : List.copyOf(gateways);
            sourceLabels = sourceLabels == null ? Map.of() : Map.copyOf(sourceLabels);
        }
    }
}
