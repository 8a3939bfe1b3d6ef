package io.sluice.model.validation;

import java.util.Locale;

/**
 * What to do with a field Sluice does not know or does not implement yet, as the Kubernetes API
 * server's {@code fieldValidation} parameter: fail the request, warn, or drop the field silently.
 */
public enum FieldValidation {
    STRICT, WARN, IGNORE;

    /** Reads the query parameter as kubectl sends it ({@code Strict}, {@code Warn}, {@code Ignore}); absent means STRICT. */
    public static FieldValidation parse(String value) {
        if (value == null || value.isBlank()) {
            return STRICT;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fieldValidation must be Strict, Warn or Ignore, not \"" + value + "\"", e);
        }
    }
}
