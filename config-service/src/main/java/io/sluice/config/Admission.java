package io.sluice.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.model.Manifests;
import io.sluice.model.PersistentMap;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKey;
import io.sluice.model.Violation;
import io.sluice.model.validation.Analyzer;
import io.sluice.model.validation.FieldValidation;
import io.sluice.model.validation.ValidationResult;
import io.sluice.model.validation.Validation;
import io.sluice.model.validation.Warning;
import io.sluice.service.ApiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides what of a submitted text may be written: every document decoded and validated, and either
 * all of them are admitted or the request fails naming each bad document and field. Kinds Sluice does
 * not manage are reported as skipped, as kubectl would not fail on them either. References between
 * objects are checked as warnings, the way {@code istioctl analyze} reports them.
 */
final class Admission {

    /**
     * @param fieldWarnings what field validation let through with a warning ({@code fieldValidation=Warn})
     * @param analysis      references between objects that nothing resolves
     */
    record Admitted(List<Resource> resources, List<Outcome> skipped, List<Violation> fieldWarnings,
                    List<Warning> analysis) {

        /** Every warning, as an apply reply lists them. */
        List<Violation> warnings() {
            List<Violation> all = new ArrayList<>(fieldWarnings);
            analysis.forEach(w -> all.add(
                    new Violation(w.objectDisplayName() + (w.field() == null ? "" : " " + w.field()), w.message())));
            return all;
        }
    }

    /** An analysis index with what it was made from: the stored config and the registry's hosts, as objects. */
    private record Indexed(PersistentMap<Resource> stored, Set<String> hosts, Analyzer.Index index) {
    }

    private final Supplier<PersistentMap<Resource>> stored;
    private final Supplier<Set<String>> registeredHosts;
    /** The index last analysed against; a race between writes only makes one of them index again. */
    private volatile Indexed lastIndex;

    /**
     * @param stored          the config as it is now, to analyse the new objects against
     * @param registeredHosts host names the registry knows (services with workloads, ServiceEntries);
     *                        the same object while they do not change
     */
    Admission(Supplier<PersistentMap<Resource>> stored, Supplier<Set<String>> registeredHosts) {
        this.stored = stored;
        this.registeredHosts = registeredHosts;
    }

    Admitted admit(String text, String defaultNamespace, String fieldValidation) {
        FieldValidation mode = FieldValidation.parse(fieldValidation);
        List<JsonNode> docs;
        try {
            docs = Manifests.documents(text == null ? "" : text);
        } catch (Manifests.MalformedException e) {
            throw ApiException.invalid(e.getMessage(), List.of());
        }
        List<Resource> resources = new ArrayList<>();
        List<Outcome> skipped = new ArrayList<>();
        List<Violation> errors = new ArrayList<>();
        List<Violation> warnings = new ArrayList<>();
        Set<ResourceKey> seen = new HashSet<>();
        for (int i = 0; i < docs.size(); i++) {
            Manifests.Decoded d = Manifests.decode(i, docs.get(i), defaultNamespace);
            switch (d) {
                case Manifests.Accepted a -> {
                    Resource r = a.resource();
                    String prefix = prefix(i, r.kind().kind(), r.name());
                    if (!seen.add(r.key())) {
                        errors.add(new Violation(prefix, "the same object appears twice in one request"));
                    }
                    ValidationResult v = Validation.validateDocument(docs.get(i), mode);
                    v.errors().forEach(e -> errors.add(new Violation(prefix + e.field(), e.reason())));
                    v.warnings().forEach(w -> warnings.add(new Violation(prefix + w.field(), w.reason())));
                    resources.add(r);
                }
                case Manifests.Skipped s -> skipped.add(new Outcome(skippedName(i, s), null, "skipped", null,
                        s.reason()));
                case Manifests.Rejected r -> r.violations().forEach(v -> errors.add(
                        new Violation(prefix(r.index(), r.kind(), r.name()) + v.field(), v.reason())));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors.size() == 1 ? "invalid document: " + errors.getFirst()
                    : errors.size() + " errors, first: " + errors.getFirst(), errors);
        }
        return new Admitted(resources, skipped, warnings, analyze(resources));
    }

    /**
     * Warnings about references between objects, as {@code istioctl analyze} gives them: those of the
     * {@code changed} objects resolved against the stored config, or of the whole stored config when
     * nothing is given.
     */
    List<Warning> analyze(List<Resource> changed) {
        PersistentMap<Resource> config = stored.get();
        Set<String> hosts = registeredHosts.get();
        if (changed.isEmpty()) {
            return Analyzer.analyze(config.values(), config.values(), hosts);
        }
        if (changed.stream().anyMatch(r -> Analyzer.indexes(r.kind()))) {
            return Analyzer.analyze(config.values(), changed, hosts);
        }
        return Analyzer.analyze(indexOf(config, hosts), changed);
    }

    /**
     * The analysis index of a stored config. Writes of VirtualServices, the everyday ones, do not
     * change it: with 10 000 objects stored, making it at each write was a pass over all of them before
     * the acknowledgement. So the last one is kept while only kinds it does not hold changed since.
     */
    private Analyzer.Index indexOf(PersistentMap<Resource> config, Set<String> hosts) {
        Indexed last = lastIndex;
        if (last != null && last.hosts() == hosts && indexUnchanged(last.stored(), config)) {
            if (last.stored() != config) {
                lastIndex = new Indexed(config, hosts, last.index());
            }
            return last.index();
        }
        Analyzer.Index index = Analyzer.index(config.values(), hosts);
        lastIndex = new Indexed(config, hosts, index);
        return index;
    }

    private static boolean indexUnchanged(PersistentMap<Resource> before, PersistentMap<Resource> after) {
        for (String key : PersistentMap.changedKeys(before, after)) {
            Resource r = after.containsKey(key) ? after.get(key) : before.get(key);
            if (Analyzer.indexes(r.kind())) {
                return false;
            }
        }
        return true;
    }

    /** kubectl's name for an object of a kind Sluice does not store: {@code deployment.apps/envoydummy}. */
    private static String skippedName(int index, Manifests.Skipped s) {
        if (s.kind().isEmpty()) {
            return "document[" + index + "]";
        }
        int slash = s.apiVersion().indexOf('/');
        String group = slash < 0 ? "" : "." + s.apiVersion().substring(0, slash);
        return s.kind().toLowerCase(java.util.Locale.ROOT) + group + "/" + s.name();
    }

    /** Names the document in a field path: {@code document[2] (VirtualService mockshop): spec.hosts}. */
    private static String prefix(int index, String kind, String name) {
        return "document[" + index + "]" + (kind.isEmpty() ? "" : " (" + kind + (name.isEmpty() ? "" : " " + name) + ")")
                + ": ";
    }
}
