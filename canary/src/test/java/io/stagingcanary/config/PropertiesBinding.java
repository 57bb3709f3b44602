package io.stagingcanary.config;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

/** A context that binds and validates configuration properties the way startup does. */
public final class PropertiesBinding {

  private PropertiesBinding() {}

  /**
   * @param configurations configurations enabling the properties records under test
   */
  public static ApplicationContextRunner of(Class<?>... configurations) {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ConfigurationPropertiesAutoConfiguration.class, ValidationAutoConfiguration.class))
        .withUserConfiguration(configurations);
  }
}
