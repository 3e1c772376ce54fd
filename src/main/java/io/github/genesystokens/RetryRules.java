package io.github.genesystokens;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.context.ContextView;
import reactor.util.retry.Retry;

/**
 * Which failed token requests are worth retrying, and how long to wait before each retry.
 *
 * <p>Retried: HTTP 429, 500, 502, 503, 504, the Genesys token-creation throttle (HTTP 400 {@code
 * invalid_request} whose description starts with {@code rate limit exceeded}), network faults and
 * timeouts. Everything else fails at once: {@code invalid_client} and every other 4xx, and replies
 * that are not tokens, which a retry would only repeat.
 *
 * <p>The wait is {@code Retry.backoff}'s: {@code minBackoff * 2^n}, capped at {@code maxBackoff},
 * with up to half of it added or removed at random (never below {@code minBackoff}) so that many
 * instances restarted together spread their retries. A {@code Retry-After} from the server is a
 * floor for the wait; one longer than {@code maxRetryAfter} ends the retries at once.
 *
 * <p>The Genesys token-creation throttle waits longer: each wait is drawn uniformly between a
 * third of {@code maxBackoff} and {@code maxBackoff} (10 s to 30 s by default), so that the
 * {@code maxRetries} retries of one fetch span about the throttle's window (a minute: Genesys's
 * Terraform provider retries it for that long) instead of a few seconds inside it, and a fleet's
 * instances spread over it. Measured with 100 instances restarting together against a throttle of
 * 50 tokens a minute (docs/design.md, "Restart storms"): the short waits made eleven token
 * requests per token issued and failed every throttled instance's callers again and again.
 */
final class RetryRules {

  private static final Logger log = Loggers.getLogger(RetryRules.class);

  private static final double JITTER_FACTOR = 0.5;

  private final int maxRetries;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final Duration maxRetryAfter;
  private final Scheduler scheduler;

  /** @param scheduler on which the waits between attempts elapse */
  RetryRules(
      int maxRetries,
      Duration minBackoff,
      Duration maxBackoff,
      Duration maxRetryAfter,
      Scheduler scheduler) {
    this.maxRetries = maxRetries;
    this.minBackoff = Objects.requireNonNull(minBackoff, "minBackoff");
    this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
    this.maxRetryAfter = Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /** Whether a reply with this status and OAuth error is transient. */
  static boolean isRetryableReply(int status, String error, String description) {
    switch (status) {
      case 429:
      case 500:
      case 502:
      case 503:
      case 504:
        return true;
      case 400:
        return isGenesysThrottle(error, description);
      default:
        return false;
    }
  }

  /**
   * Genesys throttles token creation with HTTP 400, not 429 (docs/genesys-login.md, "Throttling").
   */
  static boolean isGenesysThrottle(String error, String description) {
    return "invalid_request".equals(error)
        && description != null
        && description.strip().toLowerCase(Locale.ROOT).startsWith("rate limit exceeded");
  }

  /**
   * Reads a {@code Retry-After} value: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3).
   *
   * @return the wait from {@code now}, zero for a date in the past, or {@code null} when absent
   *     or unreadable
   */
  static Duration parseRetryAfter(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return Duration.ofSeconds(Long.parseLong(v));
      } catch (NumberFormatException tooLong) {
        return Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L);
      }
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
    } catch (DateTimeParseException unreadable) {
      return null;
    }
  }

  /**
   * A key of the Reactor context: a fetch subscribed with it makes one request and no retries.
   * The cache's recovery probe is such a fetch, its probes being on the backoff schedule already.
   */
  static final Object SINGLE_ATTEMPT = new Object() {
    @Override
    public String toString() {
      return "RetryRules.SINGLE_ATTEMPT";
    }
  };

  /**
   * Five seconds, the default failure cooldown: a throttle wait up to this long is waited out by
   * the callers, as any retry is; a longer one (the defaults give 10 to 30 s) is spent in the
   * background.
   */
  static final Duration LONGEST_THROTTLE_WAIT_FOR_CALLERS = Duration.ofSeconds(5);

  /**
   * A key of the Reactor context: its value, a {@code Consumer<TokenException>}, is told when a
   * fetch goes into a long wait of the Genesys throttle (see {@link
   * #LONGEST_THROTTLE_WAIT_FOR_CALLERS}), so that the callers waiting for it are
   * answered at once (a retryable failure) while the fetch goes on in the background.
   */
  static final Object THROTTLED = new Object() {
    @Override
    public String toString() {
      return "RetryRules.THROTTLED";
    }
  };

  /** The retry companion for one fetch: all callers of that fetch share its budget. */
  Retry retry(String name) {
    return Retry.from(
        signals ->
            signals.concatMap(
                signal -> {
                  Throwable failure = signal.failure();
                  long retries = signal.totalRetries();
                  // The companion sees the fetch's subscriber context (FluxRetryWhen).
                  return Mono.deferContextual(
                      context ->
                          context.hasKey(SINGLE_ATTEMPT)
                              ? Mono.error(failure)
                              : decide(failure, retries, name, context));
                }));
  }

  /** Whether and when to retry after {@code retries} retries failed with {@code failure}. */
  private Mono<?> decide(Throwable failure, long retries, String name, ContextView context) {
    if (!(failure instanceof TokenException) || !((TokenException) failure).isRetryable()) {
      return Mono.error(failure);
    }
    TokenException transientFailure = (TokenException) failure;
    Duration asked = retryAfterOf(transientFailure);
    if (asked != null && asked.compareTo(maxRetryAfter) > 0) {
      return Mono.error(
          Failures.withNote(
              transientFailure,
              "the server asked to retry after "
                  + Failures.format(asked)
                  + ", longer than maxRetryAfter ("
                  + Failures.format(maxRetryAfter)
                  + "), so not waiting",
              true));
    }
    if (retries >= maxRetries) {
      return Mono.error(
          maxRetries == 0
              ? transientFailure
              : Failures.withNote(
                  transientFailure, "gave up after " + (retries + 1) + " attempts", true));
    }
    boolean throttled = isThrottle(transientFailure);
    Duration wait = throttled ? throttleWait() : backoff(retries);
    if (asked != null && asked.compareTo(wait) > 0) {
      wait = asked;
    }
    if (throttled
        && wait.compareTo(LONGEST_THROTTLE_WAIT_FOR_CALLERS) > 0
        && context.hasKey(THROTTLED)) {
      // The throttle's window is about a minute, and so are these waits: nobody should hold a
      // call open for that. The waiters get the throttle now, retryable; the next token request
      // still goes out at its time, and its token is cached for the callers after it.
      Consumer<TokenException> answerWaiters = context.get(THROTTLED);
      answerWaiters.accept(
          Failures.withNote(
              transientFailure,
              "the login service throttles token creation; trying again in "
                  + Failures.format(wait)
                  + " in the background",
              true));
    }
    log.debug(
        "{}: attempt {} failed, retrying in {}: {}",
        name,
        retries + 1,
        Failures.format(wait),
        transientFailure.getMessage());
    return Mono.delay(wait, scheduler);
  }

  private static Duration retryAfterOf(TokenException failure) {
    return failure instanceof TokenEndpointException
        ? ((TokenEndpointException) failure).retryAfter().orElse(null)
        : null;
  }

  static boolean isThrottle(TokenException failure) {
    if (!(failure instanceof TokenEndpointException)) {
      return false;
    }
    TokenEndpointException reply = (TokenEndpointException) failure;
    return reply.statusCode() == 400 && isGenesysThrottle(reply.error(), reply.errorDescription());
  }

  /**
   * The wait before a retry of the Genesys throttle: uniform in [{@code maxBackoff / 3}, {@code
   * maxBackoff}], never below {@code minBackoff}.
   */
  Duration throttleWait() {
    long high = maxBackoff.toNanos();
    long low = Math.max(minBackoff.toNanos(), high / 3); // at most high: the builder has min <= max
    return Duration.ofNanos(ThreadLocalRandom.current().nextLong(low, high + 1));
  }

  /** The jittered exponential wait before retry number {@code retry} (0-based). */
  Duration backoff(long retry) {
    Duration base;
    try {
      base = minBackoff.multipliedBy(1L << Math.min(retry, 62));
      if (base.compareTo(maxBackoff) > 0) {
        base = maxBackoff;
      }
    } catch (ArithmeticException overflow) {
      base = maxBackoff;
    }
    long baseNanos = base.toNanos();
    long offset = (long) (baseNanos * JITTER_FACTOR);
    // min <= base <= max (the builder has min <= max), so low <= 0 <= high: never an empty range.
    long low = Math.max(minBackoff.toNanos() - baseNanos, -offset);
    long high = Math.min(maxBackoff.toNanos() - baseNanos, offset);
    long jitter = ThreadLocalRandom.current().nextLong(low, high + 1);
    return Duration.ofNanos(baseNanos + jitter);
  }
}
