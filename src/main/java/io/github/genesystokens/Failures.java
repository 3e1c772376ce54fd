package io.github.genesystokens;

import java.time.Duration;
import java.util.Locale;

/** Builds the library's exceptions, so every message has the same shape. */
final class Failures {

  private Failures() {}

  /** A copy of {@code failure} with {@code note} appended to its message, of the same type. */
  static TokenException withNote(TokenException failure, String note, boolean retryable) {
    String message = failure.getMessage() + "; " + note;
    if (failure instanceof TokenEndpointException) {
      TokenEndpointException e = (TokenEndpointException) failure;
      TokenEndpointException copy =
          new TokenEndpointException(
              message,
              e.statusCode(),
              e.error(),
              e.errorDescription(),
              e.retryAfter().orElse(null),
              e.correlationId(),
              retryable);
      copy.setStackTrace(e.getStackTrace());
      return copy;
    }
    return new TokenException(message, failure.getCause(), retryable);
  }

  /** {@code 1.5s}, {@code 3m}, {@code 250ms}: short and readable in a message. */
  static String format(Duration d) {
    if (d.toMillis() < 1000 && !d.isZero()) {
      return d.toMillis() + "ms";
    }
    long seconds = d.getSeconds();
    if (seconds % 60 == 0 && seconds >= 60) {
      return seconds / 60 + "m";
    }
    long tenths = d.toMillis() % 1000 / 100;
    return tenths == 0 ? seconds + "s" : String.format(Locale.ROOT, "%d.%ds", seconds, tenths);
  }
}
