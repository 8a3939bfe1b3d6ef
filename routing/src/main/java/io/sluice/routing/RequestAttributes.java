package io.sluice.routing;

/**
 * What routing may look at in a request, independent of any HTTP library. The path is already
 * normalised (see {@link PathNormalizer}) and carries no query string.
 */
public interface RequestAttributes {

    String method();

    /** Normalised path, without query. */
    String path();

    /** Raw query string without the leading {@code ?}, or empty. */
    String query();

    /** Host as sent, lower-cased, without port. */
    String host();

    /** First value of a header (name case-insensitive), or null. */
    String header(String name);

    /** The gateway server port the request arrived on (80, not 8080). */
    int port();

    /** http or https. */
    String scheme();
}
