package io.sluice.service;

import io.sluice.model.Violation;
import java.util.List;

/**
 * A request that cannot be served, with the HTTP status and the Kubernetes {@code Status} reason
 * (Invalid, Conflict, NotFound, Unauthorized, ServiceUnavailable) the client sees.
 */
public final class ApiException extends RuntimeException {

    private final int code;
    private final String reason;
    private final List<Violation> causes;

    public ApiException(int code, String reason, String message, List<Violation> causes) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.causes = List.copyOf(causes);
    }

    public ApiException(int code, String reason, String message) {
        this(code, reason, message, List.of());
    }

    public static ApiException invalid(String message, List<Violation> causes) {
        return new ApiException(400, "Invalid", message, causes);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "NotFound", message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, "Conflict", message);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "ServiceUnavailable", message);
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public List<Violation> causes() {
        return causes;
    }
}
