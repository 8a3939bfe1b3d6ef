package io.sluice.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.gateway.resilience.Retries.LocalFailure;
import io.sluice.routing.RoutePolicy;
import io.sluice.routing.RoutePolicy.RetryOn;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetriesTest {

    static RoutePolicy.Retries on(String conditions, Integer... codes) {
        return new RoutePolicy.Retries(3, null, Arrays.stream(conditions.split(" ")).map(RetryOn::valueOf)
                .collect(Collectors.toSet()), Set.of(codes));
    }

    @ParameterizedTest(name = "{0} retries status {1} (grpc {2}): {3}")
    @CsvSource(delimiter = '|', textBlock = """
            FIVE_XX                 | 500 |    | true
            FIVE_XX                 | 503 |    | true
            FIVE_XX                 | 404 |    | false
            GATEWAY_ERROR           | 502 |    | true
            GATEWAY_ERROR           | 504 |    | true
            GATEWAY_ERROR           | 500 |    | false
            RETRIABLE_4XX           | 409 |    | true
            RETRIABLE_4XX           | 429 |    | false
            CONNECT_FAILURE         | 503 |    | false
            RESET                   | 503 |    | false
            UNAVAILABLE             | 200 | 14 | true
            CANCELLED               | 200 | 1  | true
            CANCELLED               | 200 | 14 | false
            """)
    void responsesAreRetriedByStatusAndGrpcStatus(String conditions, int status, String grpc, boolean retried) {
        assertEquals(retried, Retries.retriable(on(conditions), status, grpc));
    }

    @Test
    void listedStatusCodesAreRetried() {
        RoutePolicy.Retries r = on("RETRIABLE_STATUS_CODES", 429);
        assertTrue(Retries.retriable(r, 429, null));
        assertEquals(false, Retries.retriable(r, 503, null));
    }

    @ParameterizedTest(name = "{0} retries {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            FIVE_XX          | CONNECT_FAILURE | true
            FIVE_XX          | PER_TRY_TIMEOUT | true
            GATEWAY_ERROR    | RESET           | true
            CONNECT_FAILURE  | CONNECT_FAILURE | true
            CONNECT_FAILURE  | RESET           | false
            RESET            | PER_TRY_TIMEOUT | true
            RESET            | CONNECT_FAILURE | false
            RETRIABLE_4XX    | CONNECT_FAILURE | false
            """)
    void failuresWithoutAResponseAreRetriedByCondition(String conditions, LocalFailure failure, boolean retried) {
        assertEquals(retried, Retries.retriable(on(conditions), failure));
    }

    @Test
    void istioDefaultRetriesConnectFailuresOnly() {
        RoutePolicy.Retries d = RoutePolicy.Retries.ISTIO_DEFAULT;
        assertTrue(Retries.retriable(d, LocalFailure.CONNECT_FAILURE));
        assertEquals(false, Retries.retriable(d, LocalFailure.RESET));
        assertEquals(false, Retries.retriable(d, 503, null));
    }

    @ParameterizedTest(name = "retry {0}: below {1} ms")
    @CsvSource({"1, 25", "2, 50", "3, 100", "4, 200", "5, 250", "30, 250"})
    void backoffIsFullyJitteredAndDoublesFrom25MsUpTo250(int retry, long ceiling) {
        assertEquals(0, Retries.backoffMillis(retry, 0.0));
        assertEquals(ceiling - 1, Retries.backoffMillis(retry, 0.99999));
        assertEquals(ceiling / 2, Retries.backoffMillis(retry, 0.5));
    }
}
