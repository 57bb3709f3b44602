package io.stagingcanary.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fact that a ledger existed, kept outside the database in {@code <data-dir>/ledger.marker}:
 * the schema version and row counts last seen. Written after every successful startup and then
 * every minute while the ledger takes writes; read before the migrations run, so a ledger that is
 * now missing, empty or truncated stops startup instead of being replaced by a fresh one.
 *
 * @param schemaVersion the last applied migration version
 * @param ledgerEntries rows of {@code ledger_entry} (what was seeded)
 * @param incidents rows of {@code incident}
 * @param writtenAt when the marker was written
 */
public record LedgerMarker(
    String schemaVersion, long ledgerEntries, long incidents, Instant writtenAt) {

  /** The marker's file name inside the data directory. */
  public static final String FILE_NAME = "ledger.marker";

  private static final Pattern STRING = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern NUMBER = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\\d+)");

  /** The marker file of a data directory. */
  public static Path file(Path dataDir) {
    return dataDir.resolve(FILE_NAME);
  }

  /** The marker in {@code file}, if there is one; a marker that cannot be parsed is an error. */
  public static Optional<LedgerMarker> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String json = Files.readString(file, StandardCharsets.UTF_8);
    String version = null;
    String at = null;
    Matcher strings = STRING.matcher(json);
    while (strings.find()) {
      switch (strings.group(1)) {
        case "schemaVersion" -> version = strings.group(2);
        case "writtenAt" -> at = strings.group(2);
        default -> {}
      }
    }
    long entries = -1;
    long incidents = -1;
    Matcher numbers = NUMBER.matcher(json);
    while (numbers.find()) {
      switch (numbers.group(1)) {
        case "ledgerEntries" -> entries = Long.parseLong(numbers.group(2));
        case "incidents" -> incidents = Long.parseLong(numbers.group(2));
        default -> {}
      }
    }
    if (version == null || at == null || entries < 0 || incidents < 0) {
      throw new IOException(
          "not a ledger marker (needs schemaVersion, ledgerEntries, incidents, writtenAt): "
              + json.strip());
    }
    return Optional.of(new LedgerMarker(version, entries, incidents, Instant.parse(at)));
  }

  /** Writes the marker atomically (a temporary file moved over the old one). */
  public void write(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
    Files.writeString(temporary, toJson(), StandardCharsets.UTF_8);
    Files.move(
        temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  String toJson() {
    return "{\"schemaVersion\":\""
        + schemaVersion
        + "\",\"ledgerEntries\":"
        + ledgerEntries
        + ",\"incidents\":"
        + incidents
        + ",\"writtenAt\":\""
        + writtenAt
        + "\"}\n";
  }
}
