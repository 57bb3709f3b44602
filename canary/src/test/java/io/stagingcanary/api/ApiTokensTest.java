package io.stagingcanary.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.stagingcanary.config.CanaryProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

class ApiTokensTest {

  @TempDir Path dir;

  @Test
  void nothingConfiguredAcceptsNothing() {
    ApiTokens tokens = tokens(null, null, null);
    assertThat(tokens.configured()).isFalse();
    assertThat(tokens.accepts("")).isFalse();
    assertThat(tokens.accepts("anything")).isFalse();
  }

  @Test
  void acceptsTheEnvironmentToken() {
    ApiTokens tokens = tokens(null, "s3cret", null);
    assertThat(tokens.configured()).isTrue();
    assertThat(tokens.accepts("s3cret")).isTrue();
    assertThat(tokens.accepts("s3cre")).isFalse();
    assertThat(tokens.accepts(null)).isFalse();
  }

  @Test
  void acceptsEveryTokenOfTheFileAndRereadsItWhenItChanges() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "# ci tokens\nalpha\n\n  beta  \n");
    ApiTokens tokens = tokens(file, null, null);
    assertThat(tokens.accepts("alpha")).isTrue();
    assertThat(tokens.accepts("beta")).isTrue();
    assertThat(tokens.accepts("# ci tokens")).isFalse();

    Files.writeString(file, "gamma\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(tokens.accepts("alpha")).isFalse();
    assertThat(tokens.accepts("gamma")).isTrue();
  }

  @Test
  void aRewriteKeepingSizeAndModificationTimeStillRevokesTheOldToken() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "alpha-1\n");
    FileTime fixed = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
    Files.setLastModifiedTime(file, fixed);
    ApiTokens tokens = tokens(file, null, null);
    assertThat(tokens.accepts("alpha-1")).isTrue();

    Files.writeString(file, "alpha-2\n");
    Files.setLastModifiedTime(file, fixed);
    assertThat(Files.size(file)).isEqualTo(8);
    assertThat(tokens.accepts("alpha-1")).as("revoked").isFalse();
    assertThat(tokens.accepts("alpha-2")).isTrue();
  }

  @Test
  void aDeletedTokenFileIsLoggedOncePerChangeOfState() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "alpha\n");
    ApiTokens tokens = tokens(file, null, null);
    Logger logger = (Logger) LoggerFactory.getLogger(ApiTokens.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      Files.delete(file);
      for (int i = 0; i < 5; i++) {
        assertThat(tokens.accepts("alpha")).isFalse();
        assertThat(tokens.configured()).isFalse();
      }
      assertThat(appender.list).hasSize(1);
      assertThat(appender.list.get(0).getLevel()).isEqualTo(Level.WARN);
      assertThat(appender.list.get(0).getFormattedMessage()).contains("does not exist");

      Files.writeString(file, "beta\n");
      assertThat(tokens.accepts("beta")).isTrue();
      assertThat(tokens.accepts("beta")).isTrue();
      assertThat(appender.list).hasSize(2);
      assertThat(appender.list.get(1).getFormattedMessage()).contains("readable again");

      Files.delete(file);
      assertThat(tokens.accepts("beta")).isFalse();
      assertThat(appender.list).hasSize(3);
      assertThat(appender.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .noneMatch(m -> m.contains("alpha") || m.contains("beta"));
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void usesTheFallbackFileOnlyWhenNothingIsConfigured() throws Exception {
    Path fallback = dir.resolve("api-token");
    Files.writeString(fallback, "generated\n");
    assertThat(tokens(null, null, fallback).accepts("generated")).isTrue();
    assertThat(tokens(null, "env", fallback).accepts("generated")).isFalse();
  }

  private static ApiTokens tokens(Path file, String env, Path fallback) {
    CanaryProperties properties =
        new CanaryProperties(
            "staging",
            null,
            Path.of("data"),
            new CanaryProperties.Fixtures(Path.of("fixtures"), List.of("sandbox")),
            new CanaryProperties.Api(file, false),
            new CanaryProperties.Sandbox(0, "127.0.0.1", null),
            new CanaryProperties.Verification(java.time.Duration.ofSeconds(60), 500),
            new CanaryProperties.Incidents(java.time.Duration.ofSeconds(5), true),
            new CanaryProperties.Reseed(CanaryProperties.ReseedMode.AFTER_INCIDENT),
            "http://localhost:8080");
    DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
    if (fallback != null) {
      beans.registerSingleton("fallback", (FallbackTokenSource) () -> Optional.of(fallback));
    }
    return new ApiTokens(properties, beans.getBeanProvider(FallbackTokenSource.class), env);
  }
}
