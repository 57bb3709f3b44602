package io.stagingcanary.config;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;

/** {@code canary.*} bound from a few properties and the defaults, for components built in tests. */
public final class BoundProperties {

  private BoundProperties() {}

  /**
   * @param properties e.g. {@code canary.reseed.mode=manual}
   */
  public static CanaryProperties canary(Map<String, String> properties) {
    ApplicationConversionService conversions = new ApplicationConversionService();
    conversions.addConverter(String.class, Path.class, s -> Path.of(s.strip()));
    Binder binder =
        new Binder(
            java.util.List.of(new MapConfigurationPropertySource(properties)), null, conversions);
    return binder.bindOrCreate("canary", CanaryProperties.class);
  }
}
