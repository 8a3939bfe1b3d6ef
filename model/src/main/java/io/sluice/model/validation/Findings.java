package io.sluice.model.validation;

import io.sluice.model.Violation;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects violations while the checks walk an object, so that one request reports every problem
 * at once; the messages follow the forms kubectl prints ({@code Required value}, {@code Invalid value}).
 */
final class Findings {

    private final FieldValidation mode;
    private final List<Violation> errors = new ArrayList<>();
    private final List<Violation> warnings = new ArrayList<>();

    Findings(FieldValidation mode) {
        this.mode = mode;
    }

    void error(String field, String reason) {
        errors.add(new Violation(field, reason));
    }

    /** A field Sluice does not know or does not implement: how bad that is is the client's choice. */
    void unknown(String field, String reason) {
        switch (mode) {
            case STRICT -> errors.add(new Violation(field, reason));
            case WARN -> warnings.add(new Violation(field, reason));
            case IGNORE -> {
            }
        }
    }

    /** Valid, but likely not what the writer meant: said back, written anyway. */
    void warning(String field, String reason) {
        warnings.add(new Violation(field, reason));
    }

    void required(String field, String detail) {
        error(field, detail.isEmpty() ? "Required value" : "Required value: " + detail);
    }

    void invalid(String field, Object value, String detail) {
        error(field, "Invalid value: " + quote(value) + ": " + detail);
    }

    void unsupported(String field, Object value, List<String> supported) {
        error(field, "Unsupported value: " + quote(value) + ": supported values: "
                + String.join(", ", supported.stream().map(Findings::quote).toList()));
    }

    void duplicate(String field, Object value) {
        error(field, "Duplicate value: " + quote(value));
    }

    void addAll(ValidationResult other) {
        errors.addAll(other.errors());
        warnings.addAll(other.warnings());
    }

    ValidationResult result() {
        return new ValidationResult(errors, warnings);
    }

    static String at(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    static String at(String path, int index) {
        return path + "[" + index + "]";
    }

    static String key(String path, String key) {
        return path + "[" + key + "]";
    }

    private static String quote(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }
}
