package io.stagingcanary.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The deterministic content of a sentinel PVC and the shell scripts that write and check it. The
 * content is the line {@code <sha256(seed)>\n} repeated and cut to {@code size} bytes, where the
 * seed names the claim and its seed generation: the writer makes it with {@code yes | head -c} and
 * the agent computes the same digest without any IO.
 */
final class DataContent {

  /** Directory on the claim that holds the canary's content. */
  static final String DIRECTORY = ".staging-canary";

  static final String MOUNT = "/data";

  private DataContent() {}

  /** What the content is derived from: the claim's identity and its seed generation. */
  static String seed(String set, String tenant, String namespace, String claim, int generation) {
    return set + "/" + tenant + "/" + namespace + "/" + claim + "#" + generation;
  }

  /** SHA-256 (hex) of the content the writer creates for this seed and size. */
  static String expectedSha256(String seed, long size) {
    byte[] line =
        (sha256Hex(seed.getBytes(StandardCharsets.UTF_8)) + "\n")
            .getBytes(StandardCharsets.US_ASCII);
    MessageDigest digest = sha256();
    long remaining = size;
    byte[] chunk = new byte[line.length * 1024];
    for (int i = 0; i < 1024; i++) {
      System.arraycopy(line, 0, chunk, i * line.length, line.length);
    }
    while (remaining > 0) {
      int n = (int) Math.min(remaining, chunk.length);
      digest.update(chunk, 0, n);
      remaining -= n;
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * Writes the content and its manifest ({@code sha256sum} format), then reports the content's
   * digest as the termination message. Environment: {@code SEED}, {@code SIZE}.
   */
  static String writerScript() {
    return String.join(
        "\n",
        "set -eu",
        "d=" + MOUNT + "/" + DIRECTORY,
        "mkdir -p \"$d\"",
        "line=$(printf '%s' \"$SEED\" | sha256sum | cut -d' ' -f1)",
        "yes \"$line\" | head -c \"$SIZE\" > \"$d/content.tmp\"",
        "mv \"$d/content.tmp\" \"$d/content\"",
        "(cd \"$d\" && sha256sum content > MANIFEST.sha256.tmp && mv MANIFEST.sha256.tmp"
            + " MANIFEST.sha256)",
        "sync",
        "echo \"sha256=$(cut -d' ' -f1 \"$d/MANIFEST.sha256\")\" > /dev/termination-log");
  }

  /**
   * Reads the content on a read-only mount and reports {@code sha256=<digest> manifest=<digest>}
   * (or {@code missing}) as the termination message.
   */
  static String checkerScript() {
    return String.join(
        "\n",
        "set -u",
        "d=" + MOUNT + "/" + DIRECTORY,
        "if [ ! -f \"$d/content\" ]; then echo missing > /dev/termination-log; exit 0; fi",
        "actual=$(sha256sum \"$d/content\" | cut -d' ' -f1)",
        "manifest=$(cut -d' ' -f1 \"$d/MANIFEST.sha256\" 2>/dev/null || true)",
        "echo \"sha256=$actual manifest=${manifest:-none}\" > /dev/termination-log");
  }

  /** What a checker or writer reported in its termination message. */
  record Report(String sha256, String manifest, boolean missing) {

    static Report parse(String message) {
      String text = message == null ? "" : message.strip();
      if (text.equals("missing")) {
        return new Report(null, null, true);
      }
      String sha256 = null;
      String manifest = null;
      for (String part : text.split("\\s+")) {
        if (part.startsWith("sha256=")) {
          sha256 = part.substring("sha256=".length());
        } else if (part.startsWith("manifest=")) {
          manifest = part.substring("manifest=".length());
        }
      }
      return new Report(sha256, manifest, false);
    }
  }

  static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }
}
