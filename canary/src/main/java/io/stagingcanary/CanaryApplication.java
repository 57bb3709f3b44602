package io.stagingcanary;

import io.stagingcanary.cli.CanaryCommandLine;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the Staging Canary agent. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CanaryApplication {

  /** The jar's command line: the agent by default, or gate, demo, prune-users (see --help). */
  public static void main(String[] args) {
    CanaryCommandLine.execute(CanaryApplication.class, args);
  }
}
