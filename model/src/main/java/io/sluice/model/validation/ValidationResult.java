package io.sluice.model.validation;

import io.sluice.model.Violation;
import java.util.List;

/** Everything wrong with one object: errors refuse it, warnings are passed back to the client. */
public record ValidationResult(List<Violation> errors, List<Violation> warnings) {

    public ValidationResult {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    public boolean valid() {
        return errors.isEmpty();
    }
}
