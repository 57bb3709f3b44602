package io.stagingcanary.security;

import io.stagingcanary.api.ApiTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole agent on the sandbox profile with a real Tomcat on a random port, as the security tests
 * need it: what matters is what Tomcat and Spring MVC really route. Subclasses share one
 * application context (same configuration), so the agent starts once for them all.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
abstract class SandboxApi {

  static final Path DATA_DIR = temporaryDirectory();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("canary.data-dir", DATA_DIR::toString);
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.reseed.mode", () -> "manual");
    registry.add("canary.attribution.audit.enabled", () -> "true");
  }

  @LocalServerPort int port;
  @Autowired ApiTokens tokens;

  RawHttp http() {
    return new RawHttp(port);
  }

  /** The sandbox's generated token (first non-comment line of its token file). */
  String token() {
    return firstToken(tokens.tokenFile().orElseThrow());
  }

  /** The first non-comment line of a token file. */
  static String firstToken(Path file) {
    try {
      return Files.readAllLines(file).stream()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .findFirst()
          .orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path temporaryDirectory() {
    try {
      Path dir = Files.createTempDirectory("canary-security-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at JVM exit
    }
  }
}
