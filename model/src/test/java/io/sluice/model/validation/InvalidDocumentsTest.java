package io.sluice.model.validation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.Manifests;
import io.sluice.testing.InvalidDocuments;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One invalid document per row of the shared table ({@link InvalidDocuments}): strict validation must
 * name the field and say why. The e2e suite posts the same rows to config-service.
 */
class InvalidDocumentsTest {

    static List<InvalidDocuments.Row> invalidDocuments() {
        return InvalidDocuments.all();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidDocuments")
    void strictValidationNamesTheFieldAndTheReason(InvalidDocuments.Row row) throws Exception {
        var doc = Manifests.documents(row.document()).getFirst();
        ValidationResult result = Validation.validateDocument(doc, FieldValidation.STRICT);
        assertTrue(result.errors().stream().anyMatch(v -> v.field().equals(row.field())
                        && v.reason().contains(row.reason())),
                () -> "expected " + row.field() + ": ..." + row.reason() + "... in " + result.errors() + "\n"
                        + row.document());
    }
}
