package io.stagingcanary.alerts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Slack incoming webhook with Block Kit: a headline, the counts, and the grouped tree as code
 * blocks, within Slack's limits (150 characters of header, 3,000 per section text, 50 blocks); what
 * does not fit is summarised with a link to the full diff.
 */
final class SlackChannel extends HttpAlertChannel {

  static final int MAX_HEADER = 150;
  static final int MAX_SECTION = 3000;
  static final int MAX_BLOCKS = 50;

  /** Header, counts and the closing context take three blocks; the diff gets at most this many. */
  static final int MAX_DIFF_BLOCKS = 20;

  SlackChannel(String name, String url, HttpClient http, Duration timeout) {
    super(name, URI.create(url), http, timeout);
  }

  @Override
  public String type() {
    return "slack";
  }

  @Override
  String body(Alert alert, Instant now) {
    return render(alert);
  }

  static String render(Alert alert) {
    String state = alert.firing() ? "FIRING" : "RESOLVED";
    String headline = "[" + state + "] " + alert.name() + " on " + alert.clusterName();
    ObjectNode root = AlertCodec.MAPPER.createObjectNode();
    root.put("text", Texts.cut(headline + ": " + alert.summary(), MAX_SECTION));
    ArrayNode blocks = root.putArray("blocks");
    ObjectNode header = blocks.addObject();
    header.put("type", "header");
    ObjectNode headerText = header.putObject("text");
    headerText.put("type", "plain_text");
    headerText.put("text", Texts.cut(headline, MAX_HEADER));
    section(blocks, Texts.cut(facts(alert), MAX_SECTION));
    int shown = 0;
    int total = 0;
    if (alert.firing()) {
      List<String> chunks = Texts.chunks(escape(alert.text().stripTrailing()), MAX_SECTION - 8);
      total = chunks.size();
      for (String chunk : chunks) {
        if (shown == MAX_DIFF_BLOCKS) {
          break;
        }
        section(blocks, "```\n" + chunk + "\n```");
        shown++;
      }
    }
    String more =
        shown < total
            ? (total - shown)
                + " more part(s) of the diff not shown: <"
                + alert.link()
                + "|full diff>"
            : "<" + alert.link() + "|" + alert.subject() + " on the canary's page>";
    ObjectNode context = blocks.addObject();
    context.put("type", "context");
    ObjectNode element = context.putArray("elements").addObject();
    element.put("type", "mrkdwn");
    element.put("text", Texts.cut(more, MAX_SECTION));
    return AlertCodec.write(root);
  }

  private static String facts(Alert alert) {
    StringBuilder text = new StringBuilder();
    text.append('*').append(escape(alert.summary())).append("*\n");
    text.append("*Cluster:* ").append(escape(alert.clusterName()));
    if (alert.labels().containsKey(Alert.RUN_LABEL)) {
      text.append("   *Tool:* ")
          .append(escape(alert.labels().get(Alert.TOOL_LABEL)))
          .append(' ')
          .append(escape(alert.labels().get(Alert.TOOL_VERSION_LABEL)));
      text.append("   *Run:* <").append(alert.link()).append('|').append(alert.subject());
      text.append('>');
      if (!alert.incidents().isEmpty()) {
        text.append("   *Incidents:* ").append(escape(String.join(", ", alert.incidents())));
      }
    } else {
      text.append("   *Incident:* <").append(alert.link()).append('|').append(alert.subject());
      text.append('>');
    }
    if (!alert.sets().isEmpty()) {
      text.append("   *Set:* ").append(escape(String.join(", ", alert.sets())));
    }
    Map<String, Integer> counts = AlertCodec.orderedCounts(alert.counts());
    if (!counts.isEmpty()) {
      List<String> parts = new ArrayList<>();
      counts.forEach((status, n) -> parts.add(status + " " + n));
      text.append('\n').append(String.join(" · ", parts));
    }
    if (!alert.firing()) {
      text.append("\nResolved at ").append(alert.endsAt());
    }
    return text.toString();
  }

  private static void section(ArrayNode blocks, String mrkdwn) {
    ObjectNode section = blocks.addObject();
    section.put("type", "section");
    ObjectNode text = section.putObject("text");
    text.put("type", "mrkdwn");
    text.put("text", mrkdwn);
  }

  /** Slack's mrkdwn control characters. */
  static String escape(String text) {
    return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
