package io.github.genesystokens.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure the emulator answers instead of a token, scripted with {@link
 * GenesysLoginEmulator#failNextTokenRequests(int, Fault)}, or instead of an API reply, scripted
 * with {@link GenesysLoginEmulator#failNextApiRequests(int, Fault)}.
 *
 * <p>{@link #tooManyRequests(Duration)} and {@link #serviceUnavailable()} serve both sides; {@link
 * #throttle()}, {@link #hang()} and {@link #malformed()} are faults of the login service only, and
 * {@link #unauthorized()} of the API only.
 *
 * <p>Each fault is one way the real login service, or what stands in front of it, is seen to fail.
 * Instances are immutable and may be reused.
 */
public final class Fault {

  /** What the reply is; the emulator's handlers switch on it. */
  enum Kind {
    TOO_MANY_REQUESTS,
    SERVICE_UNAVAILABLE,
    THROTTLE,
    HANG,
    MALFORMED,
    UNAUTHORIZED
  }

  private final Kind kind;
  private final Duration retryAfter;

  private Fault(Kind kind, Duration retryAfter) {
    this.kind = kind;
    this.retryAfter = retryAfter;
  }

  /**
   * HTTP 429 with {@code Retry-After} in whole seconds, as a gateway in front of the login service
   * answers.
   *
   * @param retryAfter the wait to ask for, rounded up to whole seconds; zero sends {@code 0}
   * @return the fault
   */
  public static Fault tooManyRequests(Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter must not be null");
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
    }
    return new Fault(Kind.TOO_MANY_REQUESTS, retryAfter);
  }

  /**
   * HTTP 503 with a Genesys error body and no {@code Retry-After}.
   *
   * @return the fault
   */
  public static Fault serviceUnavailable() {
    return new Fault(Kind.SERVICE_UNAVAILABLE, null);
  }

  /**
   * The Genesys token-creation throttle: HTTP 400, {@code error=invalid_request}, a description
   * starting with {@code rate limit exceeded;}, and no {@code Retry-After} (whether the real service
   * sends one is not known).
   *
   * @return the fault
   */
  public static Fault throttle() {
    return new Fault(Kind.THROTTLE, null);
  }

  /**
   * No reply at all: the request is read and the connection is held open until the client gives
   * up or the emulator closes, to exercise the client's timeout.
   *
   * @return the fault
   */
  public static Fault hang() {
    return new Fault(Kind.HANG, null);
  }

  /**
   * HTTP 200 with {@code Content-Type: application/json} and a body that is cut off mid-object, as
   * a broken proxy delivers it.
   *
   * @return the fault
   */
  public static Fault malformed() {
    return new Fault(Kind.MALFORMED, null);
  }

  /**
   * HTTP 401 {@code {"message":"Invalid login credentials.","code":"bad.credentials","status":401}}
   * to an API request, whatever its token: the answer to a token the API refuses although the login
   * service just issued it (a token of another region's login, a revocation the client cannot
   * see). A fault of the API only.
   *
   * @return the fault
   */
  public static Fault unauthorized() {
    return new Fault(Kind.UNAUTHORIZED, null);
  }

  /** Whether the login service can answer this fault. */
  boolean servesLogin() {
    return kind != Kind.UNAUTHORIZED;
  }

  /** Whether the API can answer this fault. */
  boolean servesApi() {
    return kind == Kind.UNAUTHORIZED
        || kind == Kind.TOO_MANY_REQUESTS
        || kind == Kind.SERVICE_UNAVAILABLE;
  }

  Kind kind() {
    return kind;
  }

  /** The {@code Retry-After} of a 429, whole seconds rounded up. */
  long retryAfterSeconds() {
    return Wire.ceilSeconds(retryAfter);
  }

  /** The kind, and the wait of a 429. */
  @Override
  public String toString() {
    return kind == Kind.TOO_MANY_REQUESTS
        ? "Fault[TOO_MANY_REQUESTS, Retry-After " + retryAfterSeconds() + "]"
        : "Fault[" + kind + "]";
  }
}
