package io.stagingcanary.gate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.stagingcanary.runs.JunitSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The gate against a WireMock stub of the runs API: every usage or setup error is exit 2 with one
 * line and an erroring JUnit case, the token is read in the agent's format and never shown, and a
 * run the gate opened is closed on its own errors.
 */
class GateAgainstStubTest {

  static final String TOKEN = "s3cr3t-t0ken-4f9a";
  static final String RUN = "0b9e2a8c-6d55-4b7e-9d1e-0c1f2a3b4c5d";

  WireMockServer agent;
  @TempDir Path dir;
  Path tokenFile;

  @BeforeEach
  void start() throws Exception {
    agent = new WireMockServer(options().dynamicPort());
    agent.start();
    stubRunsApi(agent);
    tokenFile = dir.resolve("api-token");
    Files.writeString(tokenFile, "# canary token, rotated 2026-12-01\n\n" + TOKEN + "\n# old\n");
  }

  @AfterEach
  void stop() {
    agent.stop();
  }

  /** begin, complete and the reports, as the agent answers them for a PASS. */
  static void stubRunsApi(WireMockServer agent) {
    agent.stubFor(
        post(urlEqualTo("/api/v1/runs"))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"id\":\""
                            + RUN
                            + "\",\"policy\":\"report-only\",\"baseline\":{\"present\":3}}")));
    agent.stubFor(
        post(urlEqualTo("/api/v1/runs/" + RUN + "/complete"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"id\":\""
                            + RUN
                            + "\",\"tool\":\"report-only\",\"version\":\"1.0\",\"verdict\":\"PASS\","
                            + "\"text\":\"Verdict PASS for report-only 1.0\\n\"}")));
    agent.stubFor(
        get(urlPathEqualTo("/api/v1/runs/" + RUN + "/report"))
            .willReturn(aResponse().withBody("<agent report/>")));
  }

  record Result(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  Result gate(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        new GateCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .execute(args);
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  String server() {
    return "http://127.0.0.1:" + agent.port();
  }

  String[] wrap(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server",
                server(),
                "--token-file",
                tokenFile.toString(),
                "--tool",
                "report-only",
                "--tool-version",
                "1.0"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void aCommentedTokenFileInTheAgentsFormatSendsOnlyTheToken() {
    Result r = gate(wrap("--", "true"));

    assertThat(r.exit()).as(r.err()).isZero();
    agent.verify(
        postRequestedFor(urlEqualTo("/api/v1/runs"))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    assertThat(r.all()).doesNotContain(TOKEN);
  }

  @Test
  void theIdentityGoesWithTheBeginRequestOnlyWhenGiven() {
    Result with = gate(wrap("--identity", "system:serviceaccount:ops:report-only", "--", "true"));

    assertThat(with.exit()).as(with.err()).isZero();
    agent.verify(
        1,
        postRequestedFor(urlEqualTo("/api/v1/runs"))
            .withRequestBody(
                matchingJsonPath("$.identity", equalTo("system:serviceaccount:ops:report-only"))));

    Result without = gate(wrap("--", "true"));

    assertThat(without.exit()).as(without.err()).isZero();
    agent.verify(2, postRequestedFor(urlEqualTo("/api/v1/runs")));
    agent.verify(
        1,
        postRequestedFor(urlEqualTo("/api/v1/runs"))
            .withRequestBody(matchingJsonPath("$.identity")));
  }

  @Test
  void usageAndSetupErrorsAreExitTwoWithOneLineAndOpenNoRun() throws Exception {
    Path junit = dir.resolve("reports/junit.xml");
    record Case(String[] args, String message) {}
    List<Case> cases =
        List.of(
            new Case(
                wrap("--settle", "-5s", "--junit", junit.toString(), "--", "true"),
                "--settle must be 0s or more"),
            new Case(
                wrap("--timeout", "0s", "--junit", junit.toString(), "--", "true"),
                "--timeout must be more than 0s"),
            new Case(
                wrap("--timeout", "-1s", "--junit", junit.toString(), "--", "true"),
                "--timeout must be more than 0s"),
            new Case(
                wrap("--bogus", "--junit", junit.toString(), "--", "true"),
                "unknown option --bogus"),
            new Case(
                wrap("--bogus=1", "--junit", junit.toString(), "--", "true"),
                "unknown option --bogus"),
            new Case(
                new String[] {"complete", "a b", "--server", server(), "--junit", junit.toString()},
                "'a b' is not a run id"),
            new Case(
                new String[] {
                  "--server",
                  "http://nosuch.invalid:8080",
                  "--token-file",
                  tokenFile.toString(),
                  "--tool",
                  "t",
                  "--tool-version",
                  "1",
                  "--junit",
                  junit.toString(),
                  "--",
                  "true"
                },
                "unknown host 'nosuch.invalid'"),
            new Case(
                new String[] {
                  "--server",
                  "http://127.0.0.1:1",
                  "--token-file",
                  tokenFile.toString(),
                  "--tool",
                  "t",
                  "--tool-version",
                  "1",
                  "--junit",
                  junit.toString(),
                  "--",
                  "true"
                },
                "could not judge (unreachable)"),
            new Case(
                new String[] {
                  "--server",
                  server(),
                  "--token-file",
                  dir.resolve("nope").toString(),
                  "--tool",
                  "t",
                  "--tool-version",
                  "1",
                  "--junit",
                  junit.toString(),
                  "--",
                  "true"
                },
                "cannot read --token-file"),
            new Case(
                new String[] {
                  "--server",
                  server(),
                  "--tool",
                  "t",
                  "--tool-version",
                  "",
                  "--junit",
                  junit.toString(),
                  "--",
                  "true"
                },
                "--tool-version V is required"));
    for (Case c : cases) {
      Files.deleteIfExists(junit);
      Result r = gate(c.args());

      assertThat(r.exit()).as(String.join(" ", c.args()) + "\n" + r.err()).isEqualTo(2);
      assertThat(r.err()).contains(c.message());
      assertThat(r.err().lines().filter(l -> !l.startsWith("[gate]")).toList())
          .as("one line (and the hint to --help)")
          .hasSizeLessThanOrEqualTo(2)
          .noneMatch(l -> l.contains("Exception") || l.contains("\tat "));
      Document xml = JunitSchema.validate(Files.readString(junit));
      Element error = (Element) xml.getElementsByTagName("error").item(0);
      assertThat(error.getAttribute("message")).contains("could not judge");
    }
    agent.verify(0, postRequestedFor(urlEqualTo("/api/v1/runs")));
  }

  @Test
  void theTokenIsNeverShownNeitherFromABadFileNorFromTheServer() throws Exception {
    Files.writeString(tokenFile, "# token\n" + TOKEN + " trailing words\n");
    Result bad = gate(wrap("--", "true"));
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("has a character an HTTP header cannot carry");
    assertThat(bad.all()).doesNotContain(TOKEN).doesNotContain("s3cr3t");

    Files.writeString(tokenFile, TOKEN + "\n");
    agent.stubFor(
        post(urlEqualTo("/api/v1/runs"))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withBody("{\"detail\":\"token " + TOKEN + " was revoked\"}")));
    Path markdown = dir.resolve("gate.md");
    Path json = dir.resolve("gate.json");
    Result refused =
        gate(wrap("--markdown", markdown.toString(), "--json", json.toString(), "--", "true"));
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).contains("could not judge (auth)").contains("[token] was revoked");
    assertThat(refused.all()).doesNotContain(TOKEN);
    assertThat(Files.readString(markdown)).contains("**Could not judge:**").doesNotContain(TOKEN);
    assertThat(MiniJson.parse(Files.readString(json)))
        .isInstanceOfSatisfying(
            java.util.Map.class,
            m ->
                assertThat(m)
                    .containsEntry("verdict", "NOT_JUDGED")
                    .containsEntry("gateExitCode", 2L));
  }

  @Test
  void aCommandThatCannotStartStillCompletesTheRun() {
    Result r = gate(wrap("--", dir.resolve("no-such-tool").toString()));

    assertThat(r.exit()).as(r.err()).isEqualTo(3);
    agent.verify(
        postRequestedFor(urlEqualTo("/api/v1/runs/" + RUN + "/complete"))
            .withRequestBody(matchingJsonPath("$.exitCode", equalTo("127"))));
  }

  @Test
  void aSettleTheAgentRefusesClosesTheRunWithTheAgentsDefault() {
    agent.stubFor(
        post(urlEqualTo("/api/v1/runs/" + RUN + "/complete"))
            .withRequestBody(matchingJsonPath("$.settle", equalTo("999999000ms")))
            .willReturn(aResponse().withStatus(400).withBody("{\"detail\":\"settle: too long\"}")));

    Result r = gate(wrap("--settle", "999999s", "--", "true"));

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("settle: too long").contains("run " + RUN + " completed");
    agent.verify(2, postRequestedFor(urlEqualTo("/api/v1/runs/" + RUN + "/complete")));
  }

  @Test
  void aPassWritesTheAgentsReports() throws Exception {
    Path junit = dir.resolve("junit.xml");
    Path json = dir.resolve("gate.json");
    Result r = gate(wrap("--junit", junit.toString(), "--json", json.toString(), "--", "true"));

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readString(junit)).isEqualTo("<agent report/>");
    assertThat(Files.readString(json)).isEqualTo("<agent report/>");
    agent.verify(
        1, anyRequestedFor(anyUrl()).withUrl("/api/v1/runs/" + RUN + "/report?format=junit"));
  }
}
