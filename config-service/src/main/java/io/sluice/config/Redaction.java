package io.sluice.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;

/** What a read may show: never a Secret's private key, only that there is one. */
final class Redaction {

    private Redaction() {
    }

    static Resource forRead(Resource r) {
        if (r.kind() != ResourceKind.SECRET) {
            return r;
        }
        ObjectNode body = r.body().deepCopy();
        body.remove("stringData");
        if (body.get("data") instanceof ObjectNode data) {
            data.properties().forEach(e -> {
                if (e.getKey().endsWith("key")) {
                    e.setValue(body.textNode("<redacted>"));
                }
            });
        }
        return new Resource(r.kind(), r.apiVersion(), r.metadata(), body);
    }
}
