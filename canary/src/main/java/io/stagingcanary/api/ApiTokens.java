package io.stagingcanary.api;

import io.stagingcanary.config.CanaryProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * ({@code #} lines are comments; the content is re-checked on every request, so a rotated or
 * revoked token takes effect at once), or {@code CANARY_API_TOKEN}. Tokens are compared in constant
 * time and never logged.
 */
@Component
public class ApiTokens {

  private static final Logger log = LoggerFactory.getLogger(ApiTokens.class);
  static final String ENVIRONMENT_VARIABLE = "CANARY_API_TOKEN";

  private final Path tokenFile;
  private final String environmentToken;
  private byte[] loadedContent;
  private String fileProblem;
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

  /**
   * The digests of the file's tokens, re-parsed whenever the file's content changes: the file is
   * read on every check (it is tiny), so a rewrite keeping size and mtime still takes effect. A
   * missing or unreadable file accepts nothing and is logged once per change of state.
   */
  private List<byte[]> currentFileDigests() {
    if (tokenFile == null) {
      return List.of();
    }
    byte[] content;
    try {
      content = Files.readAllBytes(tokenFile);
    } catch (IOException e) {
      String problem = e.getClass().getSimpleName();
      synchronized (this) {
        if (!problem.equals(fileProblem)) {
          fileProblem = problem;
          log.warn(
              "Cannot read API token file {} ({}): no token of the file is accepted until it is"
                  + " readable again",
              tokenFile,
              e instanceof java.nio.file.NoSuchFileException
                  ? "it does not exist"
                  : e.getMessage());
        }
        fileDigests = List.of();
        loadedContent = null;
      }
      return List.of();
    }
    byte[] contentDigest = sha256(content);
    synchronized (this) {
      if (fileProblem != null) {
        log.info("API token file {} is readable again", tokenFile);
        fileProblem = null;
      }
      if (!MessageDigest.isEqual(contentDigest, loadedContent)) {
        List<byte[]> digests = new ArrayList<>();
        for (String line : new String(content, StandardCharsets.UTF_8).split("\\R")) {
          String token = line.strip();
          if (!token.isEmpty() && !token.startsWith("#")) {
            digests.add(sha256(token));
          }
        }
        fileDigests = List.copyOf(digests);
        loadedContent = contentDigest;
      }
      return fileDigests;
    }
  }

  private static byte[] sha256(String value) {
    return sha256(value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] sha256(byte[] value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
