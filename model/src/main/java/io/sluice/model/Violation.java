package io.sluice.model;

/** One reason a document was refused or warned about: the field path as kubectl prints it, and why. */
public record Violation(String field, String reason) {

    @Override
    public String toString() {
        return field.isEmpty() ? reason : field + ": " + reason;
    }
}
