package archfixture;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Makes its own threads instead of taking them from the platform. */
public class ThreadMaker {

  Thread own = new Thread(() -> {}, "hand-rolled");

  ExecutorService pool() {
    return Executors.newSingleThreadExecutor();
  }
}
