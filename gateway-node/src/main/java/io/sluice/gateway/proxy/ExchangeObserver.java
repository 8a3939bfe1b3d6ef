package io.sluice.gateway.proxy;

import java.util.List;

/** Told about every answered request, on the request's thread: must be quick and never block. */
@FunctionalInterface
public interface ExchangeObserver {

    void completed(Exchange exchange);

    static ExchangeObserver all(List<ExchangeObserver> observers) {
        List<ExchangeObserver> list = List.copyOf(observers);
        return switch (list.size()) {
            case 0 -> e -> { };
            case 1 -> list.getFirst();
            default -> e -> list.forEach(o -> o.completed(e));
        };
    }
}
