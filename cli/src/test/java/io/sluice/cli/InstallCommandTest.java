package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.Manifests;
import io.sluice.model.istio.MeshConfigSpec;
import io.sluice.model.validation.FieldValidation;
import io.sluice.model.validation.Validation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InstallCommandTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "-y --set profile=demo --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY|REGISTRY_ONLY",
            "--set=meshConfig.outboundTrafficPolicy.mode=ALLOW_ANY|ALLOW_ANY",
            "--set profile=demo|ALLOW_ANY"})
    void writesTheMeshConfigTheBookSets(String args, String mode) throws Exception {
        String yaml = InstallCommand.meshConfigYaml(CliArgs.parse(args.split(" ")).all("set"));
        assertTrue(yaml.contains("mode: " + mode), yaml);
        var docs = Manifests.decode(yaml, "default");
        var resource = ((Manifests.Accepted) docs.getFirst()).resource();
        assertEquals(MeshConfigSpec.NAME, resource.name());
        assertEquals(MeshConfigSpec.NAMESPACE, resource.namespace());
        assertEquals(List.of(), Validation.validate(resource, FieldValidation.STRICT).errors());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--set meshConfig.outboundTrafficPolicy.mode=DENY_ALL|unsupported value \"DENY_ALL\"",
            "--set meshConfig.accessLogFile=/dev/stdout|--set meshConfig.accessLogFile: not supported",
            "--set profile=bogus|unknown profile \"bogus\"",
            "--set novalue|expected key=value"})
    void rejectsWhatItCannotDoNamingTheKey(String args, String message) {
        var e = assertThrows(CliArgs.UsageException.class,
                () -> InstallCommand.meshConfigYaml(CliArgs.parse(args.split(" ")).all("set")));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void needsASetting() {
        assertThrows(CliArgs.UsageException.class, () -> InstallCommand.meshConfigYaml(List.of()));
    }
}
