package io.sluice.model.validation;

/**
 * One finding of {@link Analyzer}: istioctl's message code ({@code IST0101}), the object as istioctl
 * names it ({@code VirtualService chapter4/mockshop}), the field path within it, and what is wrong.
 * Warnings never refuse a write.
 */
public record Warning(String code, String objectDisplayName, String field, String message) {

    /** istioctl's ReferencedResourceNotFound. */
    public static final String REFERENCED_RESOURCE_NOT_FOUND = "IST0101";
    /** istioctl's VirtualServiceHostNotFoundInGateway. */
    public static final String HOST_NOT_FOUND_IN_GATEWAY = "IST0132";

    @Override
    public String toString() {
        return "(" + objectDisplayName + ") " + field + ": " + message;
    }
}
