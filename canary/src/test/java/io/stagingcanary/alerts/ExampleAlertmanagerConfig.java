package io.stagingcanary.alerts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The shipped example {@code deploy/alertmanager/alertmanager.yml}, for tests: its receivers
 * pointed at a test receiver (WireMock), everything else (routes, grouping, timing, inhibit rules)
 * exactly as shipped.
 */
public final class ExampleAlertmanagerConfig {

  /** The file, relative to the module directory the tests run in. */
  public static final Path FILE = Path.of("../deploy/alertmanager/alertmanager.yml");

  public static final String ROUTING_KEY = "EXAMPLEROUTINGKEY";

  private ExampleAlertmanagerConfig() {}

  @SuppressWarnings("unchecked")
  public static Map<String, Object> load() throws IOException {
    return (Map<String, Object>) new Yaml().load(Files.readString(FILE));
  }

  /**
   * The shipped configuration with PagerDuty events going to {@code {base}/pd} (routing key from a
   * file in {@code secrets}) and Slack messages to {@code {base}/slack} (URL from a file).
   */
  @SuppressWarnings("unchecked")
  public static String pointedAt(String base, Path secrets) throws IOException {
    Files.createDirectories(secrets);
    Path key = Files.writeString(secrets.resolve("pagerduty-routing-key"), ROUTING_KEY);
    Path slack = Files.writeString(secrets.resolve("slack-webhook-url"), base + "/slack");
    Map<String, Object> config = load();
    for (Map<String, Object> receiver : (List<Map<String, Object>>) config.get("receivers")) {
      for (Map<String, Object> pd :
          (List<Map<String, Object>>) receiver.getOrDefault("pagerduty_configs", List.of())) {
        pd.put("routing_key_file", key.toString());
        pd.put("url", base + "/pd");
      }
      for (Map<String, Object> s :
          (List<Map<String, Object>>) receiver.getOrDefault("slack_configs", List.of())) {
        s.put("api_url_file", slack.toString());
      }
    }
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options).dump(config);
  }
}
