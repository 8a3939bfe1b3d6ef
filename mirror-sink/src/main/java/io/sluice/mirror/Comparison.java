package io.sluice.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.model.Json;
import io.sluice.model.mirror.MirrorRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Compares the shadow's answer with the primary's: status (a gRPC call's too: it answers 200 whatever
 * happened), kept headers, body hash. When the hashes
 * differ and the shadow answered JSON, the primary is asked twice more (safe methods only): fields that
 * differ between those two primary answers are noise (Diffy's idea) and, like configured fields, do not
 * count; the remaining field differences are the body's.
 */
final class Comparison {

    private Comparison() {
    }

    /**
     * @param askPrimary sends the request to the primary again; null when that is not safe (non-idempotent)
     */
    static Outcome compare(MirrorRecord.Request r, Replayer.Response shadow, JsonDiff jsonDiff,
                           Supplier<Replayer.Response> askPrimary) {
        MirrorRecord.Primary p = r.primary();
        List<String> differences = new ArrayList<>();
        boolean statusSame = p.status() == shadow.status();
        if (!statusSame) {
            differences.add("status: " + p.status() + " -> " + shadow.status()
                    + (shadow.error() == null ? "" : " (" + shadow.error() + ")"));
        } else if (!Objects.equals(p.grpcStatus(), shadow.grpcStatus())) {
            statusSame = false;
            differences.add("grpc-status: " + p.grpcStatus() + " -> " + shadow.grpcStatus());
        }
        boolean headersSame = true;
        Set<String> names = new LinkedHashSet<>(p.headers().keySet());
        names.addAll(shadow.headers().keySet());
        for (String name : names) {
            String a = p.headers().get(name);
            String b = shadow.headers().get(name);
            if (!Objects.equals(a, b)) {
                headersSame = false;
                differences.add("header " + name + ": " + a + " -> " + b);
            }
        }
        boolean bodySame = p.bodySha256().equals(shadow.bodySha256());
        List<String> noisy = List.of();
        if (!bodySame) {
            JsonNode shadowJson = json(shadow.body());
            JsonNode primaryJson = null;
            List<JsonDiff.Difference> fields = null;
            if (shadowJson != null && askPrimary != null) {
                Replayer.Response again = askPrimary.get();
                primaryJson = json(again.body());
                if (primaryJson != null) {
                    JsonNode third = json(askPrimary.get().body());
                    noisy = third == null ? List.of() : JsonDiff.pointers(jsonDiff.diff(primaryJson, third));
                    List<String> noise = noisy;
                    fields = jsonDiff.diff(primaryJson, shadowJson).stream()
                            .filter(d -> !noise.contains(d.pointer())).toList();
                }
            }
            if (fields != null) {
                bodySame = fields.isEmpty();
                fields.forEach(d -> differences.add("body " + d));
            } else {
                differences.add("body sha256 " + abbrev(p.bodySha256()) + " (" + p.bodySize() + " B) -> "
                        + abbrev(shadow.bodySha256()) + " (" + shadow.bodySize() + " B)");
            }
        }
        Outcome.Sample sample = differences.isEmpty() ? null : new Outcome.Sample(r.id(), r.method(),
                r.authority(), r.path(), p.status(), shadow.status(), differences, noisy);
        return new Outcome(r.route(), r.time(), 0, true, null, statusSame, headersSame, bodySame,
                p.latencyMs(), shadow.latencyMs(), sample);
    }

    private static String abbrev(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    private static JsonNode json(byte[] body) {
        if (body.length == 0 || (body[0] != '{' && body[0] != '[')) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
