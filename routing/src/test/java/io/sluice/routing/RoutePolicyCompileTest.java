package io.sluice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.Json;
import io.sluice.model.istio.VirtualServiceSpec.HTTPRoute;
import io.sluice.routing.RoutePolicy.RetryOn;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutePolicyCompileTest {

    private static RoutePolicy compile(String yaml) throws Exception {
        return RoutePolicies.compile(Json.YAML.readValue(yaml, HTTPRoute.class));
    }

    @Test
    void ruleWithoutPolicyGetsIstiosDefaults() throws Exception {
        RoutePolicy p = compile("route: [{destination: {host: a}}]");
        assertNull(p.timeout(), "timeouts are off by default");
        assertEquals(2, p.retries().attempts());
        assertEquals(Set.of(RetryOn.CONNECT_FAILURE, RetryOn.REFUSED_STREAM, RetryOn.UNAVAILABLE, RetryOn.CANCELLED),
                p.retries().on());
        assertEquals(RoutePolicy.Fault.NONE, p.fault());
    }

    @Test
    void zeroAttemptsTurnsRetriesOff() throws Exception {
        assertEquals(RoutePolicy.Retries.NONE, compile("retries: {attempts: 0}").retries());
    }

    @Test
    void retriesWithoutRetryOnUseTheDefaultConditions() throws Exception {
        RoutePolicy.Retries r = compile("retries: {attempts: 5, perTryTimeout: 250ms}").retries();
        assertEquals(5, r.attempts());
        assertEquals(Duration.ofMillis(250), r.perTryTimeout());
        assertEquals(RoutePolicy.Retries.ISTIO_DEFAULT.on(), r.on());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            5xx                          | FIVE_XX                                  | ''
            gateway-error,connect-failure| GATEWAY_ERROR CONNECT_FAILURE            | ''
            reset, retriable-4xx         | RESET RETRIABLE_4XX                      | ''
            503,429,refused-stream       | RETRIABLE_STATUS_CODES REFUSED_STREAM    | 503 429
            """)
    void retryOnListsConditionsAndStatusCodes(String retryOn, String conditions, String codes) throws Exception {
        RoutePolicy.Retries r = compile("retries: {attempts: 3, retryOn: '" + retryOn + "'}").retries();
        assertEquals(Set.of(conditions.split(" ")).stream().map(RetryOn::valueOf).collect(java.util.stream.Collectors.toSet()),
                r.on());
        assertEquals(codes.isEmpty() ? Set.of() : Set.of(codes.split(" ")).stream().map(Integer::valueOf)
                .collect(java.util.stream.Collectors.toSet()), r.statusCodes());
    }

    @Test
    void timeoutIsTheWholeBudget() throws Exception {
        assertEquals(Duration.ofMillis(1500), compile("timeout: 1.5s").timeout());
        assertNull(compile("timeout: 0s").timeout(), "0s means no timeout, as in Envoy");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            delay: {fixedDelay: 2s, percentage: {value: 10}}   | 10.0 | 0.0
            delay: {fixedDelay: 2s, percent: 30}               | 30.0 | 0.0
            delay: {fixedDelay: 2s}                            | 0.0  | 0.0
            abort: {httpStatus: 418, percentage: {value: 50.5}}| 0.0  | 50.5
            abort: {httpStatus: 418}                           | 0.0  | 0.0
            """)
    void faultSharesAreTheDeclaredPercentagesAndNoneWhenLeftOut(String fault, double delay, double abort)
            throws Exception {
        RoutePolicy.Fault f = compile("fault: {" + fault + "}").fault();
        assertEquals(delay, f.delayPercent());
        assertEquals(abort, f.abortPercent());
    }

    @Test
    void faultDrawsFallInsideTheShare() {
        RoutePolicy.Fault f = new RoutePolicy.Fault(Duration.ofSeconds(1), 10, 503, -1, 100);
        assertTrue(f.delays(9.99));
        assertFalse(f.delays(10));
        assertTrue(f.aborts(99.9));
        assertFalse(RoutePolicy.Fault.NONE.aborts(0));
    }

    @Test
    void aGrpcAbortKeepsItsStatusCode() throws Exception {
        RoutePolicy.Fault f = compile("fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 50}}}").fault();
        assertEquals(14, f.abortGrpcStatus());
        assertEquals(0, f.abortStatus());
        assertTrue(f.aborts(49.9));
        assertFalse(f.aborts(50));
    }
}
