package io.sluice.mirror;

import io.sluice.model.Json;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** A Streams serde that writes records as JSON with the shared mapper, so any consumer can read them. */
final class JsonSerde {

    private JsonSerde() {
    }

    static <T> Serde<T> of(Class<T> type) {
        Serializer<T> ser = (topic, value) -> value == null ? null : Json.write(value);
        Deserializer<T> de = (topic, bytes) -> bytes == null ? null : Json.read(bytes, type);
        return Serdes.serdeFrom(ser, de);
    }
}
