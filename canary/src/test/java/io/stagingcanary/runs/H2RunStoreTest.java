package io.stagingcanary.runs;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The run store on the default database: an H2 file. */
class H2RunStoreTest extends RunStoreContract {

  @TempDir Path directory;

  @Override
  String[] newDatabase() {
    return new String[] {
      "jdbc:h2:file:" + directory.resolve("ledger").toAbsolutePath() + ";AUTO_SERVER=FALSE",
      "sa",
      ""
    };
  }
}
