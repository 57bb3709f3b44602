package io.stagingcanary.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;

/**
 * Binds file-system paths as written ({@code ../fixtures} included). Spring's default conversion
 * goes through resource loading, which rejects relative paths that climb out of the directory.
 */
@Configuration(proxyBeanMethods = false)
class PathBinding {

  @Bean
  @ConfigurationPropertiesBinding
  static Converter<String, Path> pathConverter() {
    return new Converter<>() {
      @Override
      public Path convert(String source) {
        return Path.of(source.strip());
      }
    };
  }
}
