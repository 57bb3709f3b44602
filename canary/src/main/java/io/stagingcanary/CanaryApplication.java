package io.stagingcanary;

import io.stagingcanary.demo.prune.PruneUsers;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the Staging Canary agent. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CanaryApplication {

  public static void main(String[] args) {
    if (args.length > 0 && "prune-users".equals(args[0])) {
      System.exit(PruneUsers.main(args, System.out, System.err));
    }
    SpringApplication.run(CanaryApplication.class, args);
  }
}
