package io.sluice.kafka.secrets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that seal Secret data in the config topic: every value of a Secret's {@code data} is
 * encrypted with AES-256-GCM before it is written and opened again when a service reads the topic, so
 * the topic (and its replicas, backups and mirrors) never holds a private key in the clear. Only
 * config-service and gateway nodes hold the key file.
 *
 * <p>Key file: one key a line, {@code <key-id> <base64 of 32 bytes>}; blank lines and {@code #}
 * comments are ignored. The first key seals new writes; every key opens. Rotation: put a new key on
 * the first line, keep the old ones below, restart config-service and the gateways, re-apply the
 * Secrets (now sealed with the new id), then drop the old line.
 *
 * <p>A sealed value reads {@code sluice-aesgcm:<key-id>:<base64(nonce || ciphertext || tag)>}; the
 * additional data binds it to {@code <namespace>/<name>/<data key>}, so a value copied into another
 * Secret or key does not open.
 */
public final class SecretKeys {

    private static final Logger LOG = Logger.getLogger(SecretKeys.class.getName());
    static final String PREFIX = "sluice-aesgcm:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final SecretKeys NONE = new SecretKeys(null, Map.of());

    private final String activeId;
    private final Map<String, SecretKey> byId;

    private SecretKeys(String activeId, Map<String, SecretKey> byId) {
        this.activeId = activeId;
        this.byId = Map.copyOf(byId);
    }

    /** No key: Secrets cannot be written, and sealed values cannot be opened. */
    public static SecretKeys none() {
        return NONE;
    }

    public static SecretKeys load(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the secret key file " + file + ": " + e.getMessage(), e);
        }
    }

    public static SecretKeys parse(List<String> lines, String source) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        String active = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = source + " line " + (i + 1);
            if (parts.length != 2 || !parts[0].matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException(where + ": expected '<key-id> <base64 key>'");
            }
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": the key is not base64");
            }
            if (raw.length != 32) {
                throw new IllegalArgumentException(where + ": the key must be 32 bytes (AES-256), not " + raw.length);
            }
            if (keys.put(parts[0], new SecretKeySpec(raw, "AES")) != null) {
                throw new IllegalArgumentException(where + ": key id " + parts[0] + " appears twice");
            }
            active = active == null ? parts[0] : active;
        }
        if (active == null) {
            throw new IllegalArgumentException(source + ": no key in the file");
        }
        return new SecretKeys(active, keys);
    }

    /** A key file line with a fresh random key, for {@code ./sluice up} and tests. */
    public static String newKeyLine(String id) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return id + " " + Base64.getEncoder().encodeToString(raw);
    }

    public boolean canSeal() {
        return activeId != null;
    }

    /** The id new writes are sealed with, or null without a key. */
    public String activeId() {
        return activeId;
    }

    /**
     * The resource as it goes into the topic: a Secret's {@code stringData} folded into {@code data}
     * (as Kubernetes does on write) and every {@code data} value sealed. Other kinds pass unchanged.
     *
     * @throws IllegalStateException when there is no key to seal with
     */
    public Resource seal(Resource r) {
        if (r.kind() != ResourceKind.SECRET) {
            return r;
        }
        if (!canSeal()) {
            throw new IllegalStateException("config-service has no secret key, so it cannot store Secret "
                    + r.namespace() + "/" + r.name() + ": start it with --secret-key-file FILE or SLUICE_SECRET_KEY_FILE");
        }
        ObjectNode body = foldStringData(r).body().deepCopy();
        if (body.get("data") instanceof ObjectNode data) {
            data.properties().forEach(e -> e.setValue(body.textNode(
                    encrypt(Base64.getDecoder().decode(e.getValue().asText()), aad(r, e.getKey())))));
        }
        return new Resource(r.kind(), r.apiVersion(), r.metadata(), body);
    }

    /**
     * The resource as services use it: sealed values opened. A value sealed with a key this process
     * does not have is dropped (and logged by key id, never by content), so the Secret looks
     * incomplete rather than wrong.
     */
    public Resource open(Resource r) {
        if (r.kind() != ResourceKind.SECRET || !(r.body().get("data") instanceof ObjectNode sealed)) {
            return r;
        }
        ObjectNode body = r.body().deepCopy();
        ObjectNode data = body.putObject("data");
        sealed.properties().forEach(e -> {
            String v = e.getValue().asText();
            if (!v.startsWith(PREFIX)) {
                data.put(e.getKey(), v); // written before sealing existed
                return;
            }
            try {
                data.put(e.getKey(), Base64.getEncoder().encodeToString(decrypt(v, aad(r, e.getKey()))));
            } catch (GeneralSecurityException | IllegalArgumentException ex) {
                LOG.warning("cannot open " + e.getKey() + " of Secret " + r.namespace() + "/" + r.name()
                        + " (sealed with key id " + keyId(v) + "): " + ex.getClass().getSimpleName());
            }
        });
        return new Resource(r.kind(), r.apiVersion(), r.metadata(), body);
    }

    /** Kubernetes semantics: {@code stringData} entries overwrite {@code data} entries of the same key. */
    public static Resource foldStringData(Resource r) {
        if (r.kind() != ResourceKind.SECRET || !(r.body().get("stringData") instanceof ObjectNode sd)) {
            return r;
        }
        ObjectNode body = r.body().deepCopy();
        body.remove("stringData");
        ObjectNode data = body.get("data") instanceof ObjectNode d ? d : body.putObject("data");
        sd.properties().forEach(e -> data.put(e.getKey(),
                Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
        return new Resource(r.kind(), r.apiVersion(), r.metadata(), body);
    }

    private static byte[] aad(Resource r, String dataKey) {
        return (r.namespace() + "/" + r.name() + "/" + dataKey).getBytes(StandardCharsets.UTF_8);
    }

    private String encrypt(byte[] plain, byte[] aad) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, byId.get(activeId), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad);
            byte[] sealed = c.doFinal(plain);
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return PREFIX + activeId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    private byte[] decrypt(String value, byte[] aad) throws GeneralSecurityException {
        String id = keyId(value);
        SecretKey key = byId.get(id);
        if (key == null) {
            throw new GeneralSecurityException("unknown key id");
        }
        byte[] in = Base64.getDecoder().decode(value.substring(PREFIX.length() + id.length() + 1));
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
        c.updateAAD(aad);
        return c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
    }

    private static String keyId(String sealed) {
        int end = sealed.indexOf(':', PREFIX.length());
        return end < 0 ? "?" : sealed.substring(PREFIX.length(), end);
    }
}
