package archfixture.cycle.a;

import archfixture.cycle.b.Beta;

/** One half of a package cycle. */
public class Alpha {
  Beta beta;
}
