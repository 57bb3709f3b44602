package io.stagingcanary.api;

import io.stagingcanary.config.CanaryProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The bearer tokens that may call mutating endpoints: one per line in {@code canary.api.token-file}
 * (re-read when the file changes), or {@code CANARY_API_TOKEN}. Tokens are compared in constant
 * time and never logged.
 */
@Component
public class ApiTokens {

  private static final Logger log = LoggerFactory.getLogger(ApiTokens.class);
  static final String ENVIRONMENT_VARIABLE = "CANARY_API_TOKEN";

  private final Path tokenFile;
  private final String environmentToken;
  private volatile FileTime loadedAt;
  private volatile List<byte[]> fileDigests = List.of();

  @Autowired
  public ApiTokens(CanaryProperties properties, ObjectProvider<FallbackTokenSource> fallback) {
    this(properties, fallback, System.getenv(ENVIRONMENT_VARIABLE));
  }

  ApiTokens(
      CanaryProperties properties,
      ObjectProvider<FallbackTokenSource> fallback,
      String environmentToken) {
    this.environmentToken =
        environmentToken == null || environmentToken.isBlank() ? null : environmentToken.trim();
    Path configured = properties.api().tokenFile();
    if (configured == null && this.environmentToken == null) {
      configured =
          fallback.stream()
              .map(FallbackTokenSource::tokenFile)
              .flatMap(Optional::stream)
              .findFirst()
              .orElse(null);
    }
    this.tokenFile = configured;
    if (!configured()) {
      log.warn(
          "No API token configured (canary.api.token-file or {}): mutating endpoints answer 403",
          ENVIRONMENT_VARIABLE);
    }
  }

  /** Whether any token could be accepted. */
  public boolean configured() {
    return environmentToken != null || !currentFileDigests().isEmpty();
  }

  public Optional<Path> tokenFile() {
    return Optional.ofNullable(tokenFile);
  }

  /** Whether the presented token is one of the configured tokens (constant time per token). */
  public boolean accepts(String presented) {
    if (presented == null || presented.isEmpty()) {
      return false;
    }
    byte[] digest = sha256(presented);
    boolean match = false;
    if (environmentToken != null) {
      match |= MessageDigest.isEqual(digest, sha256(environmentToken));
    }
    for (byte[] candidate : currentFileDigests()) {
      match |= MessageDigest.isEqual(digest, candidate);
    }
    return match;
  }

  private List<byte[]> currentFileDigests() {
    if (tokenFile == null) {
      return List.of();
    }
    try {
      FileTime modified = Files.getLastModifiedTime(tokenFile);
      if (!modified.equals(loadedAt)) {
        List<byte[]> digests = new ArrayList<>();
        for (String line : Files.readAllLines(tokenFile, StandardCharsets.UTF_8)) {
          String token = line.strip();
          if (!token.isEmpty() && !token.startsWith("#")) {
            digests.add(sha256(token));
          }
        }
        fileDigests = List.copyOf(digests);
        loadedAt = modified;
      }
      return fileDigests;
    } catch (IOException e) {
      log.warn("Cannot read API token file {}: {}", tokenFile, e.getMessage());
      return List.of();
    }
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
