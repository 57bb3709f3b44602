package io.stagingcanary.alerts;

/** A delivery that did not succeed; {@link #retryable()} says whether trying again may help. */
class DeliveryException extends RuntimeException {

  private final boolean retryable;

  DeliveryException(String message, boolean retryable) {
    super(message, null, false, false);
    this.retryable = retryable;
  }

  /** The receiver refused the alert (a 4xx other than 408/429): the answer is kept, no retry. */
  static DeliveryException rejected(String answer) {
    return new DeliveryException(answer, false);
  }

  static DeliveryException transientFailure(String reason) {
    return new DeliveryException(reason, true);
  }

  boolean retryable() {
    return retryable;
  }
}
