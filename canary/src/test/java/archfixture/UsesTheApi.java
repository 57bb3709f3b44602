package archfixture;

import io.stagingcanary.api.ApiTokens;

/** A feature that depends on the HTTP API edge. */
public class UsesTheApi {

  Class<?> tokens = ApiTokens.class;
}
