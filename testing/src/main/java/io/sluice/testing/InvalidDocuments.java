package io.sluice.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The table of invalid documents ({@code invalid-documents.yaml} beside this class), shared by the
 * validation unit test and the end-to-end test that posts each one to config-service, so the two never
 * drift apart.
 */
public final class InvalidDocuments {

    /**
     * One row.
     *
     * @param document the YAML text
     * @param field    the field path validation must name, e.g. {@code spec.http[0].route[0].weight}
     * @param reason   a part of the reason it must give
     */
    public record Row(String document, String field, String reason) {

        @Override
        public String toString() {
            return field + ": " + reason;
        }
    }

    private InvalidDocuments() {
    }

    public static List<Row> all() {
        try (InputStream in = InvalidDocuments.class.getResourceAsStream("invalid-documents.yaml")) {
            if (in == null) {
                throw new IllegalStateException("invalid-documents.yaml is missing from the classpath");
            }
            return new YAMLMapper().readValue(in, new TypeReference<List<Row>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
