package io.stagingcanary.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer and checker scripts, run with the local shell, agree with the agent's digest. */
class DataContentTest {

  private static final long SIZE = 4L * 1024 * 1024;

  @TempDir Path claim;

  private final DataJobs jobs = new DataJobs(DataTestSupport.properties());

  @Test
  void writerProducesTheExpectedDigestAndManifestAndCheckerReadsItBack() throws Exception {
    String seed = DataContent.seed("sandbox", "acme", "canary-acme", "canary-data", 1);
    DataRecord record = DataTestSupport.record("canary-acme", "canary-data", seed, SIZE);

    LocalContainer.Exit written = LocalContainer.run(jobs.writer(record, seed), claim);

    assertThat(written.code()).isZero();
    Path content = claim.resolve(".staging-canary/content");
    assertThat(Files.size(content)).isEqualTo(SIZE);
    String expected = DataContent.expectedSha256(seed, SIZE);
    assertThat(DataContent.Report.parse(written.message()).sha256()).isEqualTo(expected);
    assertThat(Files.readString(claim.resolve(".staging-canary/MANIFEST.sha256")))
        .isEqualTo(expected + "  content\n");

    DataContent.Report checked =
        DataContent.Report.parse(LocalContainer.run(jobs.checker(record), claim).message());
    assertThat(checked.sha256()).isEqualTo(expected);
    assertThat(checked.manifest()).isEqualTo(expected);
    assertThat(checked.missing()).isFalse();
  }

  @Test
  void contentDependsOnIdentityAndGeneration() {
    String first = DataContent.expectedSha256(DataContent.seed("s", "t", "n", "c", 1), 4096);
    assertThat(DataContent.expectedSha256(DataContent.seed("s", "t", "n", "c", 2), 4096))
        .isNotEqualTo(first);
    assertThat(DataContent.expectedSha256(DataContent.seed("s", "t", "n", "d", 1), 4096))
        .isNotEqualTo(first);
    assertThat(DataContent.expectedSha256(DataContent.seed("s", "t", "n", "c", 1), 4096))
        .isEqualTo(first);
  }

  @Test
  void checkerReportsACorruptedByteAndMissingContent() throws Exception {
    String seed = DataContent.seed("sandbox", "acme", "canary-acme", "canary-data", 1);
    DataRecord record = DataTestSupport.record("canary-acme", "canary-data", seed, 8192);
    Job checker = jobs.checker(record);
    assertThat(DataContent.Report.parse(LocalContainer.run(checker, claim).message()).missing())
        .isTrue();

    LocalContainer.run(jobs.writer(record, seed), claim);
    Path content = claim.resolve(".staging-canary/content");
    byte[] bytes = Files.readAllBytes(content);
    bytes[100] ^= 1;
    Files.write(content, bytes);

    DataContent.Report report =
        DataContent.Report.parse(LocalContainer.run(checker, claim).message());
    assertThat(report.sha256()).isNotEqualTo(record.expectedSha256()).hasSize(64);
    assertThat(report.manifest()).isEqualTo(record.expectedSha256());
  }

  @Test
  void reportsParse() {
    assertThat(DataContent.Report.parse("missing\n").missing()).isTrue();
    assertThat(DataContent.Report.parse("sha256=ab manifest=none\n"))
        .isEqualTo(new DataContent.Report("ab", "none", false));
    assertThat(DataContent.Report.parse(null).sha256()).isNull();
  }
}
