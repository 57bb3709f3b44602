package io.stagingcanary.data;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a data Job's container command with the local {@code sh}, the claim mounted at a local
 * directory: what a kubelet would do, so tests check the real scripts without a node.
 */
final class LocalContainer {

  record Exit(int code, String message) {}

  private LocalContainer() {}

  static Exit run(Job job, Path claim) throws IOException, InterruptedException {
    Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    Path terminationLog = Files.createTempFile("termination-log", "");
    List<String> command = container.getCommand();
    String script =
        command
            .get(2)
            .replace(DataContent.MOUNT + "/", claim.toAbsolutePath() + "/")
            .replace("/dev/termination-log", terminationLog.toString());
    ProcessBuilder builder = new ProcessBuilder(command.get(0), command.get(1), script);
    for (EnvVar env : container.getEnv()) {
      builder.environment().put(env.getName(), env.getValue());
    }
    builder.redirectErrorStream(true);
    Process process = builder.start();
    process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the script did not end");
    }
    String message = Files.readString(terminationLog);
    Files.deleteIfExists(terminationLog);
    return new Exit(process.exitValue(), message);
  }
}
