package io.stagingcanary.alerts;

import static io.stagingcanary.alerts.TestAlerts.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every channel's payload equals its documented example in {@code src/test/resources/alerts/}
 * (docs/alerts.md shows the same files). Regenerate after a deliberate change with {@code
 * -Dgolden.update=true} and review the diff.
 */
class PayloadGoldenTest {

  static final Path GOLDEN = Path.of("src/test/resources/alerts");
  static final Alert FIRING = TestAlerts.firing("inc-20261122-100000-a1b2");
  static final Alert RESOLVED = FIRING.resolvedAt(T0.plusSeconds(600));
  static final String RUNBOOK = "https://runbooks.example.com/staging-canary";
  static final Alert VIOLATION =
      ToolRunAlerts.alert(
          ToolRunAlertsTest.failed(
              new io.stagingcanary.runs.RunCauses.RunRef(
                  "0b6c1a52-3f0e-4e55-9d1c-6f1f3c8e2a10", "prune-users", "1.0.0")),
          TestAlerts.PUBLIC,
          List.of("inc-20261122-100000-a1b2"));
  static final Alert VIOLATION_RESOLVED = VIOLATION.resolvedAt(T0.plusSeconds(900));

  @Test
  void alertmanager() throws IOException {
    Duration resend = Duration.ofMinutes(1);
    golden(
        "alertmanager-firing.json",
        AlertmanagerChannel.render(FIRING, T0.plusSeconds(5), resend, RUNBOOK));
    golden(
        "alertmanager-resolved.json",
        AlertmanagerChannel.render(RESOLVED, T0.plusSeconds(600), resend, RUNBOOK));
  }

  @Test
  void toolRunViolation() throws IOException {
    Duration resend = Duration.ofMinutes(1);
    golden(
        "violation-alertmanager-firing.json",
        AlertmanagerChannel.render(VIOLATION, T0.plusSeconds(25), resend, RUNBOOK));
    golden(
        "violation-alertmanager-resolved.json",
        AlertmanagerChannel.render(VIOLATION_RESOLVED, T0.plusSeconds(900), resend, RUNBOOK));
    golden("violation-webhook-firing.json", WebhookChannel.render(VIOLATION));
    golden("violation-pagerduty-trigger.json", PagerDutyChannel.render(VIOLATION, "R0UTINGKEY"));
    golden("violation-slack-firing.json", SlackChannel.render(VIOLATION));
  }

  @Test
  void everyAlertLinksItsOwnRunbookSection() {
    for (Alert alert : List.of(FIRING, VIOLATION)) {
      JsonNode am =
          AlertCodec.read(AlertmanagerChannel.render(alert, T0, Duration.ofMinutes(1), RUNBOOK));
      assertThat(am.get(0).path("annotations").path("runbook_url").asText())
          .isEqualTo(RUNBOOK + "#" + alert.name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  @Test
  void slack() throws IOException {
    golden("slack-firing.json", SlackChannel.render(FIRING));
    golden("slack-resolved.json", SlackChannel.render(RESOLVED));
  }

  @Test
  void pagerduty() throws IOException {
    golden("pagerduty-trigger.json", PagerDutyChannel.render(FIRING, "R0UTINGKEY"));
    golden("pagerduty-resolve.json", PagerDutyChannel.render(RESOLVED, "R0UTINGKEY"));
  }

  @Test
  void webhook() throws IOException {
    golden("webhook-firing.json", WebhookChannel.render(FIRING));
    golden("webhook-resolved.json", WebhookChannel.render(RESOLVED));
  }

  @Test
  void theWebhookSignatureIsTheHmacSha256OfTheBody() {
    // RFC 4231 test case 2
    assertThat(
            WebhookChannel.hmac(
                "Jefe".getBytes(StandardCharsets.UTF_8), "what do ya want for nothing?"))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void slackStaysWithinItsLimitsAndLinksTheRest() {
    Alert huge = withText(FIRING, bigDiff(20_000));
    JsonNode slack = AlertCodec.read(SlackChannel.render(huge));
    JsonNode blocks = slack.path("blocks");
    assertThat(blocks.size()).isLessThanOrEqualTo(SlackChannel.MAX_BLOCKS);
    assertThat(blocks.get(0).path("text").path("text").asText().length())
        .isLessThanOrEqualTo(SlackChannel.MAX_HEADER);
    for (JsonNode block : blocks) {
      if (block.path("type").asText().equals("section")) {
        assertThat(block.path("text").path("text").asText().length())
            .isLessThanOrEqualTo(SlackChannel.MAX_SECTION);
      }
    }
    JsonNode last = blocks.get(blocks.size() - 1);
    assertThat(last.path("elements").get(0).path("text").asText())
        .contains("more part(s) of the diff not shown")
        .contains(huge.link());
  }

  @Test
  void pagerDutySummaryIsAtMost1024CharactersAndTheDedupKeyIsClusterAndIncident() {
    Alert longSummary = FIRING.toBuilder().summary("x".repeat(5000)).build();
    JsonNode event = AlertCodec.read(PagerDutyChannel.render(longSummary, "k"));
    assertThat(event.path("payload").path("summary").asText()).hasSize(1024).endsWith("...");
    assertThat(event.path("dedup_key").asText()).isEqualTo("staging:inc-20261122-100000-a1b2");
  }

  @Test
  void alertmanagerDescriptionIsTruncatedWithAPointerToTheFullDiff() {
    Alert huge = withText(FIRING, bigDiff(20_000));
    JsonNode alert =
        AlertCodec.read(AlertmanagerChannel.render(huge, T0, Duration.ofMinutes(1), null)).get(0);
    String description = alert.path("annotations").path("description").asText();
    assertThat(description).hasSizeLessThanOrEqualTo(AlertmanagerChannel.MAX_DESCRIPTION);
    assertThat(description).endsWith("full diff: " + huge.link());
    assertThat(alert.path("annotations").has("runbook_url")).isFalse();
  }

  @Test
  void theDocumentedExamplesAreTheGoldenFiles() throws IOException {
    String doc = Files.readString(Path.of("../docs/alerts.md"));
    List<JsonNode> blocks = new ArrayList<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("```json\n(.*?)\n```", java.util.regex.Pattern.DOTALL)
            .matcher(doc);
    while (m.find()) {
      blocks.add(AlertCodec.read(m.group(1)));
    }
    for (String file :
        List.of(
            "alertmanager-firing.json",
            "alertmanager-resolved.json",
            "slack-firing.json",
            "pagerduty-trigger.json",
            "pagerduty-resolve.json",
            "webhook-firing.json",
            "violation-alertmanager-firing.json",
            "violation-webhook-firing.json")) {
      assertThat(blocks).as(file).contains(AlertCodec.read(Files.readString(GOLDEN.resolve(file))));
    }
  }

  @Test
  void storedAlertsReadBackUnchanged() {
    assertThat(AlertCodec.decode(AlertCodec.encode(FIRING))).isEqualTo(FIRING);
    assertThat(AlertCodec.decode(AlertCodec.encode(RESOLVED))).isEqualTo(RESOLVED);
    assertThat(AlertCodec.decode(AlertCodec.encode(VIOLATION))).isEqualTo(VIOLATION);
  }

  static String bigDiff(int lines) {
    List<String> text = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      text.add("    ConfigMap canary-acme/settings-" + i + ": MISSING");
    }
    return String.join("\n", text);
  }

  static Alert withText(Alert a, String text) {
    return a.toBuilder().text(text).build();
  }

  /** Compares as JSON trees, so the files can be pretty-printed. */
  static void golden(String file, String actual) throws IOException {
    Path path = GOLDEN.resolve(file);
    JsonNode tree = AlertCodec.read(actual);
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(
          path, AlertCodec.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree) + "\n");
    }
    assertThat(tree).as(file).isEqualTo(AlertCodec.read(Files.readString(path)));
  }
}
