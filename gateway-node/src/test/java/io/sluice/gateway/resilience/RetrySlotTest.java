package io.sluice.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RetrySlotTest {

    @Test
    void aRequestHoldsOneSlotHoweverManyRetriesItMakesUntilItIsAnswered() {
        ClusterState cluster = new ClusterState();
        try (RetrySlot first = cluster.retrySlot(1)) {
            assertTrue(first.allows());
            first.retrying();
            first.retrying();
            assertTrue(first.allows(), "its own slot still allows it more");
            try (RetrySlot second = cluster.retrySlot(1)) {
                assertFalse(second.allows(), "the cluster's one outstanding retry is taken");
            }
        }
        try (RetrySlot third = cluster.retrySlot(1)) {
            assertTrue(third.allows(), "the answered request gave its slot back");
        }
        try (RetrySlot none = cluster.retrySlot(0)) {
            assertFalse(none.allows());
        }
    }
}
