package io.stagingcanary.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The protobuf bodies kubectl sends for {@code create}, as captured from kubectl 1.32 ({@code -v=8}
 * prints them), read into the JSON a real API server would have received.
 */
class ProtobufBodiesTest {

  /** {@code kubectl create namespace x}. */
  static final String NAMESPACE =
      "6b3873000a0f0a02763112094e616d65737061636512190a110a017812001a0022002a00320038004200"
          + "12001a020a001a002200";

  /** {@code kubectl -n x create configmap settings --from-literal=a=b}. */
  static final String CONFIG_MAP =
      "6b3873000a0f0a0276311209436f6e6669674d617012230a190a0873657474696e677312001a0178"
          + "22002a0032003800420012060a01611201621a002200";

  /** {@code kubectl -n x create secret generic s --from-literal=password=s3cret --type=Opaque}. */
  static final String SECRET =
      "6b3873000a0c0a027631120653656372657412300a120a017312001a017822002a00320038004200"
          + "12120a0870617373776f726412067333637265741a064f70617175651a002200";

  @Test
  void readsANamespace() {
    ObjectNode object = read(NAMESPACE);

    assertThat(object.toString())
        .isEqualTo(
            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"x\"},\"spec\":{}}");
  }

  @Test
  void readsAConfigMapWithItsData() {
    ObjectNode object = read(CONFIG_MAP);

    assertThat(object.path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(object.at("/metadata/name").asText()).isEqualTo("settings");
    assertThat(object.at("/metadata/namespace").asText()).isEqualTo("x");
    assertThat(object.path("data").toString()).isEqualTo("{\"a\":\"b\"}");
  }

  @Test
  void readsASecretWithItsBytesAsBase64AndItsType() {
    ObjectNode object = read(SECRET);

    assertThat(object.path("kind").asText()).isEqualTo("Secret");
    assertThat(object.at("/data/password").asText()).isEqualTo("czNjcmV0");
    assertThat(object.path("type").asText()).isEqualTo("Opaque");
  }

  @Test
  void readsLabelsAnnotationsAndSkipsFieldsItDoesNotKnow() {
    // metadata {1 name "n", 11 labels {a: b}, 12 annotations {c: d}, 7 generation 3 (varint)}
    String metadata = "0a016e" + "5a060a0161120162" + "62060a0163120164" + "3803";
    String raw = "0a" + length(metadata) + metadata + "7801"; // + unknown varint field 15
    String typeMeta = "0a0276311209" + "4e616d657370616365";
    String body = "6b387300" + "0a" + length(typeMeta) + typeMeta + "12" + length(raw) + raw;

    ObjectNode object = read(body);

    assertThat(object.path("metadata").toString())
        .isEqualTo("{\"name\":\"n\",\"labels\":{\"a\":\"b\"},\"annotations\":{\"c\":\"d\"}}");
  }

  @Test
  void otherKindsAndOtherBodiesAreNotRead() {
    String typeMeta = "0a07617070732f7631" + "120a4465706c6f796d656e74"; // apps/v1, Deployment
    String deployment = "6b387300" + "0a" + length(typeMeta) + typeMeta + "1200";
    assertThat(ProtobufBodies.toJson(HexFormat.of().parseHex(deployment))).isEmpty();
    assertThat(ProtobufBodies.toJson("{\"kind\":\"Namespace\"}".getBytes())).isEmpty();
    assertThat(ProtobufBodies.toJson(new byte[] {'k', '8'})).isEmpty();
  }

  @Test
  void aTruncatedBodyIsAnErrorNotAnObject() {
    String truncated = NAMESPACE.substring(0, NAMESPACE.length() - 30);

    assertThatThrownBy(() -> ProtobufBodies.toJson(HexFormat.of().parseHex(truncated)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static ObjectNode read(String hex) {
    return ProtobufBodies.toJson(HexFormat.of().parseHex(hex)).orElseThrow();
  }

  private static String length(String hex) {
    return String.format("%02x", hex.length() / 2);
  }
}
