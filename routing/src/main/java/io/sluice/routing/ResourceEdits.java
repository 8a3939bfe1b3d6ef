package io.sluice.routing;

import io.sluice.model.Resource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Resources of one kind that changed between two config views: the old versions of those edited or
 * deleted, and the new versions of those edited or created.
 */
final class ResourceEdits {

    private final List<Resource> removed = new ArrayList<>();
    private final List<Resource> added = new ArrayList<>();

    /** Notes one change; {@code old} is null for a creation, {@code now} for a deletion. */
    void add(Resource old, Resource now) {
        if (old != null) {
            removed.add(old);
        }
        if (now != null) {
            added.add(now);
        }
    }

    boolean isEmpty() {
        return removed.isEmpty() && added.isEmpty();
    }

    List<Resource> removed() {
        return removed;
    }

    List<Resource> added() {
        return added;
    }

    /** {@code current} with these changes made, oldest first as a snapshot orders them. */
    List<Resource> applyTo(List<Resource> current) {
        if (isEmpty()) {
            return current;
        }
        List<Resource> next = new ArrayList<>(current);
        next.removeIf(r -> removed.stream().anyMatch(old -> old.key().equals(r.key())));
        next.addAll(added);
        next.sort(ConfigSnapshot.MERGE_ORDER);
        return List.copyOf(next);
    }

    /** The names of the resources changed, whatever their namespace. */
    Set<String> names() {
        Set<String> names = new HashSet<>();
        removed.forEach(r -> names.add(r.name()));
        added.forEach(r -> names.add(r.name()));
        return names;
    }
}
