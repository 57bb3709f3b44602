package archfixture.cycle.b;

import archfixture.cycle.a.Alpha;

/** The other half of a package cycle. */
public class Beta {
  Alpha alpha;
}
