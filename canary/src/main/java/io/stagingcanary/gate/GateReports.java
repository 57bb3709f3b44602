package io.stagingcanary.gate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The report files a CI job asked for ({@code --junit}, {@code --markdown}, {@code --json}). They
 * are written on every exit: the agent's own reports when it judged the run, else a report the gate
 * writes itself saying why it could not judge (an erroring JUnit test case), so CI steps that
 * publish the reports never find nothing.
 */
final class GateReports {

  private final Path junit;
  private final Path markdown;
  private final Path json;
  private final PrintStream err;

  GateReports(Path junit, Path markdown, Path json, PrintStream err) {
    this.junit = junit;
    this.markdown = markdown;
    this.json = json;
    this.err = err;
  }

  boolean requested() {
    return junit != null || markdown != null || json != null;
  }

  /** The agent's reports of a judged run; a report it cannot fetch is written as not judged. */
  void fromAgent(RunsClient client, String runId, String tool, String version) {
    fetch(client, runId, "junit", junit, tool, version);
    fetch(client, runId, "markdown", markdown, tool, version);
    fetch(client, runId, "json", json, tool, version);
  }

  private void fetch(
      RunsClient client, String runId, String format, Path file, String tool, String version) {
    if (file == null) {
      return;
    }
    String content;
    try {
      content = client.report(runId, format);
    } catch (RunsClient.RunsException e) {
      err.println(
          "gate: cannot fetch the " + format + " report of run " + runId + ": " + e.getMessage());
      NotJudged why =
          new NotJudged(
              tool, version, runId, "the verdict is stored, but its report: " + e.getMessage());
      content =
          switch (format) {
            case "junit" -> junit(why);
            case "markdown" -> markdown(why);
            default -> json(why);
          };
    }
    write(file, content, format);
  }

  /** Why the gate could not judge (exit 2), for the reports it writes itself. */
  record NotJudged(String tool, String version, String runId, String reason) {}

  /** Writes every requested report for a run the gate could not judge. */
  void notJudged(NotJudged why) {
    if (junit != null) {
      write(junit, junit(why), "JUnit");
    }
    if (markdown != null) {
      write(markdown, markdown(why), "Markdown");
    }
    if (json != null) {
      write(json, json(why), "JSON");
    }
  }

  private void write(Path file, String content, String what) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, content, StandardCharsets.UTF_8);
      err.println("[gate] " + what + " report written to " + file);
    } catch (IOException | RuntimeException e) {
      err.println("gate: cannot write the " + what + " report " + file + ": " + e.getMessage());
    }
  }

  /** One testsuite with one erroring test case: CI servers show "error", never "no reports". */
  static String junit(NotJudged why) {
    String suite = "staging-canary." + (why.tool() == null ? "gate" : why.tool());
    String timestamp =
        DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
            Instant.now().truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
    String reason = "could not judge: " + why.reason();
    StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.append("<testsuites name=\"staging-canary\" tests=\"1\" failures=\"0\" errors=\"1\">\n");
    out.append("  <testsuite name=\"")
        .append(attr(suite))
        .append("\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0\" timestamp=\"")
        .append(timestamp)
        .append("\">\n");
    out.append("    <properties>\n");
    property(out, "run", why.runId() == null ? "" : why.runId());
    property(out, "tool", why.tool() == null ? "" : why.tool());
    property(out, "version", why.version() == null ? "" : why.version());
    property(out, "verdict", "NOT_JUDGED");
    out.append("    </properties>\n");
    out.append("    <testcase classname=\"")
        .append(attr(suite))
        .append("\" name=\"verdict\" time=\"0\">\n");
    out.append("      <error message=\"")
        .append(attr(reason))
        .append("\" type=\"NOT_JUDGED\">")
        .append(body(reason))
        .append("</error>\n");
    out.append("    </testcase>\n");
    out.append("    <system-out>")
        .append(body(reason + "\nexit code 2: the gate could not judge this run\n"))
        .append("</system-out>\n");
    out.append("  </testsuite>\n</testsuites>\n");
    return out.toString();
  }

  static String markdown(NotJudged why) {
    StringBuilder out = new StringBuilder("## NOT JUDGED: ");
    out.append(why.tool() == null ? "the gate" : "`" + code(why.tool()) + "`");
    if (why.version() != null) {
      out.append(' ').append(text(why.version()));
    }
    out.append("\n\n");
    if (why.runId() != null) {
      out.append("Run `").append(code(why.runId())).append("`\n\n");
    }
    out.append("**Could not judge:** ").append(text(why.reason())).append("\n\n");
    out.append("The gate exited `2`: no verdict, the tool was not judged.\n");
    return out.toString();
  }

  static String json(NotJudged why) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("id", why.runId());
    root.put("tool", why.tool());
    root.put("version", why.version());
    root.put("verdict", "NOT_JUDGED");
    root.put("reason", why.reason());
    root.put("gateExitCode", 2);
    return MiniJson.write(root) + "\n";
  }

  private static void property(StringBuilder out, String name, String value) {
    out.append("      <property name=\"")
        .append(attr(name))
        .append("\" value=\"")
        .append(attr(value))
        .append("\"/>\n");
  }

  /** Markdown text: no HTML, no table or line breaks from user input. */
  private static String text(String value) {
    return value
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replaceAll("[\\r\\n]+", " ");
  }

  private static String code(String value) {
    return value.replace("`", "'").replaceAll("[\\r\\n]+", " ");
  }

  static String body(String text) {
    return xmlChars(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static String attr(String text) {
    return body(text)
        .replace("\"", "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;");
  }

  /** Drops characters XML 1.0 cannot carry. */
  private static String xmlChars(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .filter(
            c ->
                c == 0x9
                    || c == 0xA
                    || c == 0xD
                    || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD)
                    || c >= 0x10000)
        .forEach(out::appendCodePoint);
    return out.toString();
  }
}
