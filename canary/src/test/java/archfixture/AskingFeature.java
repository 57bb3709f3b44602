package archfixture;

/** A feature that calls a controller instead of the other way round. */
public class AskingFeature {

  String ask(FixtureController controller) {
    return controller.answer();
  }
}
