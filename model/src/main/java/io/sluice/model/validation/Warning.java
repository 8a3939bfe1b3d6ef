package io.sluice.model.validation;

/**
 * One finding of {@link Analyzer}: the object as istioctl names it ({@code VirtualService chapter4/mockshop}),
 * the field path within it, and what is wrong. Warnings never refuse a write.
 */
public record Warning(String objectDisplayName, String field, String message) {

    @Override
    public String toString() {
        return "(" + objectDisplayName + ") " + field + ": " + message;
    }
}
