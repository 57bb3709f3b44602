package archfixture;

import org.springframework.web.bind.annotation.RestController;

/** A controller that a feature calls (see {@link AskingFeature}). */
@RestController
public class FixtureController {

  public String answer() {
    return "42";
  }
}
