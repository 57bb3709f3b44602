package io.stagingcanary;

import io.stagingcanary.gate.GateCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the Staging Canary agent. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CanaryApplication {

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("gate")) {
      // The CI gate is a JDK-only client: it exits before Spring is touched.
      System.exit(GateCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
    SpringApplication.run(CanaryApplication.class, args);
  }
}
