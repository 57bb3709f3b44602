package io.stagingcanary.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The protobuf request bodies of {@code kubectl create namespace|configmap|secret|serviceaccount},
 * read into the JSON object the mock server stores. Kubernetes' protobuf encoding is the magic
 * {@code k8s\0} and a {@code runtime.Unknown} envelope (type meta, then the object's bytes); only
 * the fields those commands set are read, each by its number in {@code k8s.io/api}'s {@code
 * generated.proto}. Other kinds are not read (empty), and the caller refuses them.
 */
final class ProtobufBodies {

  static final byte[] MAGIC = {'k', '8', 's', 0};

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ProtobufBodies() {}

  /** The object as JSON, if the body is Kubernetes protobuf of a kind read here. */
  static Optional<ObjectNode> toJson(byte[] body) {
    if (body.length < MAGIC.length) {
      return Optional.empty();
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (body[i] != MAGIC[i]) {
        return Optional.empty();
      }
    }
    // runtime.Unknown: 1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType.
    String apiVersion = "";
    String kind = "";
    byte[] raw = new byte[0];
    Reader envelope = new Reader(body, MAGIC.length, body.length);
    while (envelope.hasMore()) {
      int field = envelope.tag();
      if (field == 1) {
        Reader typeMeta = envelope.message();
        while (typeMeta.hasMore()) {
          int typeField = typeMeta.tag();
          if (typeField == 1) {
            apiVersion = typeMeta.string();
          } else if (typeField == 2) {
            kind = typeMeta.string();
          } else {
            typeMeta.skip();
          }
        }
      } else if (field == 2) {
        raw = envelope.bytes();
      } else {
        envelope.skip();
      }
    }
    if (!apiVersion.equals("v1")) {
      return Optional.empty();
    }
    ObjectNode object = NODES.objectNode().put("apiVersion", apiVersion).put("kind", kind);
    Reader reader = new Reader(raw, 0, raw.length);
    return switch (kind) {
      case "Namespace" -> Optional.of(namespace(reader, object));
      case "ConfigMap" -> Optional.of(configMap(reader, object));
      case "Secret" -> Optional.of(secret(reader, object));
      case "ServiceAccount" -> Optional.of(serviceAccount(reader, object));
      default -> Optional.empty();
    };
  }

  /** Namespace: 1 metadata, 2 spec {1 finalizers}, 3 status (server-set). */
  private static ObjectNode namespace(Reader reader, ObjectNode object) {
    while (reader.hasMore()) {
      int field = reader.tag();
      if (field == 1) {
        object.set("metadata", metadata(reader.message()));
      } else if (field == 2) {
        Reader spec = reader.message();
        ObjectNode specNode = object.putObject("spec");
        while (spec.hasMore()) {
          if (spec.tag() == 1) {
            arrayOf(specNode, "finalizers").add(spec.string());
          } else {
            spec.skip();
          }
        }
      } else {
        reader.skip();
      }
    }
    return object;
  }

  /** ConfigMap: 1 metadata, 2 data, 3 binaryData, 4 immutable. */
  private static ObjectNode configMap(Reader reader, ObjectNode object) {
    while (reader.hasMore()) {
      int field = reader.tag();
      switch (field) {
        case 1 -> object.set("metadata", metadata(reader.message()));
        case 2 -> entry(reader.message(), mapOf(object, "data"), false);
        case 3 -> entry(reader.message(), mapOf(object, "binaryData"), true);
        case 4 -> object.put("immutable", reader.varint() != 0);
        default -> reader.skip();
      }
    }
    return object;
  }

  /** Secret: 1 metadata, 2 data (bytes), 3 type, 4 stringData, 5 immutable. */
  private static ObjectNode secret(Reader reader, ObjectNode object) {
    while (reader.hasMore()) {
      int field = reader.tag();
      switch (field) {
        case 1 -> object.set("metadata", metadata(reader.message()));
        case 2 -> entry(reader.message(), mapOf(object, "data"), true);
        case 3 -> putIfNotEmpty(object, "type", reader.string());
        case 4 -> entry(reader.message(), mapOf(object, "stringData"), false);
        case 5 -> object.put("immutable", reader.varint() != 0);
        default -> reader.skip();
      }
    }
    return object;
  }

  /** ServiceAccount: 1 metadata, 4 automountServiceAccountToken; references are not read. */
  private static ObjectNode serviceAccount(Reader reader, ObjectNode object) {
    while (reader.hasMore()) {
      int field = reader.tag();
      if (field == 1) {
        object.set("metadata", metadata(reader.message()));
      } else if (field == 4) {
        object.put("automountServiceAccountToken", reader.varint() != 0);
      } else {
        reader.skip();
      }
    }
    return object;
  }

  /**
   * ObjectMeta: 1 name, 2 generateName, 3 namespace, 11 labels, 12 annotations, 14 finalizers; the
   * rest (uid, resourceVersion, timestamps, ...) is the server's to set.
   */
  private static ObjectNode metadata(Reader reader) {
    ObjectNode metadata = NODES.objectNode();
    while (reader.hasMore()) {
      int field = reader.tag();
      switch (field) {
        case 1 -> putIfNotEmpty(metadata, "name", reader.string());
        case 2 -> putIfNotEmpty(metadata, "generateName", reader.string());
        case 3 -> putIfNotEmpty(metadata, "namespace", reader.string());
        case 11 -> entry(reader.message(), mapOf(metadata, "labels"), false);
        case 12 -> entry(reader.message(), mapOf(metadata, "annotations"), false);
        case 14 -> arrayOf(metadata, "finalizers").add(reader.string());
        default -> reader.skip();
      }
    }
    return metadata;
  }

  /** A map entry message: 1 key, 2 value (bytes become base64, as in JSON). */
  private static void entry(Reader reader, ObjectNode map, boolean bytes) {
    String key = "";
    byte[] value = new byte[0];
    while (reader.hasMore()) {
      int field = reader.tag();
      if (field == 1) {
        key = reader.string();
      } else if (field == 2) {
        value = reader.bytes();
      } else {
        reader.skip();
      }
    }
    map.put(
        key,
        bytes
            ? Base64.getEncoder().encodeToString(value)
            : new String(value, StandardCharsets.UTF_8));
  }

  private static ObjectNode mapOf(ObjectNode parent, String name) {
    return parent.has(name) ? (ObjectNode) parent.get(name) : parent.putObject(name);
  }

  private static ArrayNode arrayOf(ObjectNode parent, String name) {
    return parent.has(name) ? (ArrayNode) parent.get(name) : parent.putArray(name);
  }

  private static void putIfNotEmpty(ObjectNode node, String name, String value) {
    if (!value.isEmpty()) {
      node.put(name, value);
    }
  }

  /** The protobuf wire format: varints, length-delimited fields, fixed 32/64-bit fields. */
  static final class Reader {
    private final byte[] data;
    private int position;
    private final int end;
    private int wireType;

    Reader(byte[] data, int start, int end) {
      this.data = data;
      this.position = start;
      this.end = end;
    }

    boolean hasMore() {
      return position < end;
    }

    /** The next field's number (its wire type is kept for reading or skipping the value). */
    int tag() {
      long tag = varint();
      wireType = (int) (tag & 7);
      return (int) (tag >>> 3);
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (position >= end) {
          throw new IllegalArgumentException("protobuf body ends inside a varint");
        }
        byte b = data[position++];
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("protobuf varint longer than 10 bytes");
    }

    byte[] bytes() {
      if (wireType != 2) {
        throw new IllegalArgumentException("protobuf field is not length-delimited");
      }
      int length = (int) varint();
      if (length < 0 || position + length > end) {
        throw new IllegalArgumentException("protobuf field longer than its message");
      }
      byte[] value = Arrays.copyOfRange(data, position, position + length);
      position += length;
      return value;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    Reader message() {
      byte[] bytes = bytes();
      return new Reader(bytes, 0, bytes.length);
    }

    void skip() {
      switch (wireType) {
        case 0 -> varint();
        case 1 -> position += 8;
        case 2 -> bytes();
        case 5 -> position += 4;
        default -> throw new IllegalArgumentException("protobuf wire type " + wireType);
      }
      if (position > end) {
        throw new IllegalArgumentException("protobuf field longer than its message");
      }
    }
  }
}
