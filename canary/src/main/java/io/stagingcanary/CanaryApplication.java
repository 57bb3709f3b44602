package io.stagingcanary;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the Staging Canary agent. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CanaryApplication {

  public static void main(String[] args) {
    SpringApplication.run(CanaryApplication.class, args);
  }
}
