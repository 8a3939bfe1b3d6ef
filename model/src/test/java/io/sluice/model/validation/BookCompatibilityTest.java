package io.sluice.model.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.model.Manifests;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import io.sluice.testing.BookFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the book's chapter 4 must pass strict validation unchanged; the files come from
 * {@link BookFiles} (the repository's copy, or the folder {@code -Dsluice.compat.dir} names).
 */
class BookCompatibilityTest {

    /** Kinds the book applies that Sluice leaves to Kubernetes. */
    private static final Set<String> SKIPPED_KINDS = Set.of("Deployment", "Pod", "ConfigMap", "");

    static Path bookDir() {
        return BookFiles.dir();
    }

    static Stream<Path> bookFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(bookDir())) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no book files in " + bookDir());
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bookFiles")
    void everyBookFileIsValidUnderStrictFieldValidation(Path file) throws Exception {
        String text = Files.readString(file);
        for (var doc : Manifests.documents(text)) {
            ValidationResult result = Validation.validateDocument(doc, FieldValidation.STRICT);
            assertEquals(List.of(), result.errors(), file.getFileName() + ": " + doc.path("kind"));
        }
        for (var decoded : Manifests.decode(text, "default")) {
            switch (decoded) {
                case Manifests.Accepted a -> {
                }
                case Manifests.Skipped s -> assertTrue(SKIPPED_KINDS.contains(s.kind()), s.toString());
                case Manifests.Rejected r -> fail(file.getFileName() + ": " + r);
            }
        }
    }

    /**
     * Applied in file order, later objects replacing earlier ones as kubectl apply does, the book
     * leaves no reference dangling; the egress gateway's Service lives in istio-system, outside the book.
     */
    @Test
    void theWholeBookAppliedInOrderHasNoDanglingReferences() throws Exception {
        Map<ResourceKey, Resource> applied = new LinkedHashMap<>();
        for (Path file : bookFiles().toList()) {
            for (var decoded : Manifests.decode(Files.readString(file), "default")) {
                if (decoded instanceof Manifests.Accepted a) {
                    applied.put(a.resource().key(), a.resource());
                }
            }
        }
        assertEquals(List.of(), Analyzer.analyze(applied.values(), applied.values(),
                Set.of("istio-egressgateway.istio-system.svc.cluster.local")));
    }
}
