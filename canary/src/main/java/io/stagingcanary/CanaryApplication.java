package io.stagingcanary;

import io.stagingcanary.demo.Demo;
import io.stagingcanary.demo.prune.PruneUsers;
import io.stagingcanary.gate.GateCommand;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the Staging Canary agent. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CanaryApplication {

  public static void main(String[] args) {
    String command = args.length > 0 ? args[0] : "";
    if (command.equals("gate")) {
      // The CI gate is a JDK-only client: it exits before Spring is touched.
      System.exit(GateCommand.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    if (command.equals("prune-users")) {
      System.exit(PruneUsers.main(args, System.out, System.err));
    }
    if (command.equals("demo")) {
      // The replay boots the agent itself, on the sandbox, and exits when it is done.
      System.exit(Demo.run(CanaryApplication.class, args, System.out, System.err));
    }
    SpringApplication.run(CanaryApplication.class, args);
  }
}
