package archfixture;

import org.springframework.web.bind.annotation.RestController;

/** A controller not named {@code *Controller}. */
@RestController
public class MisnamedEndpoints {}
