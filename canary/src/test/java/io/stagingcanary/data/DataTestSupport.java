package io.stagingcanary.data;

import java.time.Duration;
import org.springframework.util.unit.DataSize;

/** Data records and properties for tests. */
final class DataTestSupport {

  private DataTestSupport() {}

  static DataProperties properties() {
    return properties(Duration.ofSeconds(2));
  }

  static DataProperties properties(Duration jobTimeout) {
    return new DataProperties(
        true,
        "busybox:1.37",
        DataSize.ofMegabytes(4),
        Duration.ofMinutes(30),
        jobTimeout,
        Duration.ofMillis(50),
        Duration.ofMinutes(10),
        Duration.ofMinutes(5));
  }

  static DataRecord record(String namespace, String claim, String seed, long size) {
    return DataRecord.builder()
        .clusterId("cluster-1")
        .claim(namespace, claim, "uid-" + claim)
        .owner("sandbox", "acme")
        .content(1, size, DataContent.expectedSha256(seed, size))
        .build();
  }
}
