package io.stagingcanary.gate;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.stagingcanary.bench.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a gate wrapping a long command (a cancelled CI job): the gate, in a JVM of its own,
 * stops the command, completes the run with the command's status and writes its reports.
 */
class GateStopSignalTest {

  @TempDir Path dir;

  @Test
  void sigtermStopsTheCommandAndCompletesTheRunWithItsStatus() throws Exception {
    WireMockServer agent = new WireMockServer(options().dynamicPort());
    agent.start();
    Process gate = null;
    try {
      GateAgainstStubTest.stubRunsApi(agent);
      Path token = dir.resolve("api-token");
      Files.writeString(token, "# token\n" + GateAgainstStubTest.TOKEN + "\n");
      Path pidFile = dir.resolve("command.pid");
      Path junit = dir.resolve("junit.xml");
      String java = ProcessHandle.current().info().command().orElse("java");
      gate =
          new ProcessBuilder(
                  List.of(
                      java,
                      "-cp",
                      System.getProperty("java.class.path"),
                      GateMain.class.getName(),
                      "--server",
                      "http://127.0.0.1:" + agent.port(),
                      "--token-file",
                      token.toString(),
                      "--tool",
                      "report-only",
                      "--tool-version",
                      "1.0",
                      "--junit",
                      junit.toString(),
                      "--",
                      "sh",
                      "-c",
                      "echo $$ > '" + pidFile + "'; exec sleep 300"))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("gate.log").toFile())
              .start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      ProcessHandle command = ProcessHandle.of(pid).orElseThrow();

      gate.destroy(); // SIGTERM

      assertThat(gate.waitFor(60, TimeUnit.SECONDS)).as("the gate ends").isTrue();
      String log = Files.readString(dir.resolve("gate.log"));
      assertThat(gate.exitValue()).as(log).isEqualTo(143);
      assertThat(command.isAlive()).as("the wrapped command was stopped").isFalse();
      agent.verify(
          1,
          postRequestedFor(urlEqualTo("/api/v1/runs/" + GateAgainstStubTest.RUN + "/complete"))
              .withRequestBody(matchingJsonPath("$.exitCode", equalTo("143"))));
      assertThat(log)
          .contains("[gate] stop signal received")
          .contains("command exited with 143")
          .contains("verdict PASS");
      assertThat(junit).hasContent("<agent report/>");
    } finally {
      if (gate != null) {
        Processes.stop(gate);
      }
      agent.stop();
    }
  }
}
