package io.sluice.config;

import io.sluice.model.Manifests;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKey;
import io.sluice.model.Violation;
import io.sluice.service.ApiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides what of a submitted text may be written: every document decoded and validated, and either
 * all of them are admitted or the request fails naming each bad document and field. Kinds Sluice does
 * not manage are reported as skipped, as kubectl would not fail on them either.
 */
final class Admission {

    record Admitted(List<Resource> resources, List<Outcome> skipped, List<Violation> warnings) {
    }

    Admitted admit(String text, String defaultNamespace, String fieldValidation) {
        List<Manifests.Decoded> decoded;
        try {
            decoded = Manifests.decode(text == null ? "" : text, defaultNamespace);
        } catch (Manifests.MalformedException e) {
            throw ApiException.invalid(e.getMessage(), List.of());
        }
        List<Resource> resources = new ArrayList<>();
        List<Outcome> skipped = new ArrayList<>();
        List<Violation> errors = new ArrayList<>();
        Set<ResourceKey> seen = new HashSet<>();
        for (Manifests.Decoded d : decoded) {
            switch (d) {
                case Manifests.Accepted a -> {
                    if (!seen.add(a.resource().key())) {
                        errors.add(new Violation(prefix(d.index(), a.resource().kind().kind(), a.resource().name()),
                                "the same object appears twice in one request"));
                    }
                    resources.add(a.resource());
                }
                case Manifests.Skipped s -> skipped.add(new Outcome(
                        s.kind().toLowerCase(java.util.Locale.ROOT) + "/" + s.name(), null, "skipped", null, s.reason()));
                case Manifests.Rejected r -> r.violations().forEach(v -> errors.add(
                        new Violation(prefix(r.index(), r.kind(), r.name()) + v.field(), v.reason())));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors.size() == 1 ? "invalid document: " + errors.getFirst()
                    : errors.size() + " errors: " + errors, errors);
        }
        return new Admitted(resources, skipped, List.of());
    }

    /** Warnings about references between objects, as {@code istioctl analyze} gives them. */
    List<Violation> analyze(List<Resource> resources) {
        return List.of();
    }

    /** Names the document in a field path: {@code document[2] (VirtualService mockshop): spec.hosts}. */
    private static String prefix(int index, String kind, String name) {
        return "document[" + index + "]" + (kind.isEmpty() ? "" : " (" + kind + (name.isEmpty() ? "" : " " + name) + ")")
                + ": ";
    }
}
