package io.stagingcanary.api;

import java.nio.file.Path;
import java.util.Optional;

/** A token file to use when none is configured (the sandbox generates one). */
@FunctionalInterface
public interface FallbackTokenSource {
  Optional<Path> tokenFile();
}
