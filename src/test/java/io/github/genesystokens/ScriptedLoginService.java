package io.github.genesystokens;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One token request at a time as the property tests see it: each attempt takes a random latency
 * of virtual time, then answers with a random reply (a token of a random lifetime, 429 with or
 * without {@code Retry-After}, 5xx, the Genesys throttle, {@code invalid_client}, a malformed body)
 * or stalls until the request timeout. It records what the invariants need: how many attempts run
 * at once, and when each attempt started.
 */
final class ScriptedLoginService {

  /** A token lifetime from 2 s to 48 h, the range Genesys and other servers give. */
  private static final Duration[] LIFETIMES = {
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(60),
    Duration.ofMinutes(5),
    Duration.ofHours(1),
    Duration.ofHours(24),
    Duration.ofHours(48)
  };

  static final Duration MAX_LATENCY = Duration.ofMillis(800);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  private final Random random;
  private final Clock clock;
  private final Scheduler scheduler;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();
  private final List<Instant> attemptsStartedAt = new ArrayList<>();
  private final AtomicInteger issued = new AtomicInteger();
  /** How likely an attempt fails, from 0 (a healthy service) to 1 (an outage). */
  private volatile double failureRate;

  ScriptedLoginService(Random random, Clock clock, Scheduler scheduler) {
    this.random = random;
    this.clock = clock;
    this.scheduler = scheduler;
    this.failureRate = random.nextDouble() * 0.6;
  }

  void failureRate(double rate) {
    this.failureRate = rate;
  }

  /** One attempt, as the provider's wire makes it: bounded by the request timeout. */
  Mono<IssuedToken> attempt() {
    return Mono.defer(
        () -> {
          int running = inFlight.incrementAndGet();
          mostInFlight.accumulateAndGet(running, Math::max);
          Instant requestedAt = clock.instant();
          synchronized (attemptsStartedAt) {
            attemptsStartedAt.add(requestedAt);
          }
          Mono<IssuedToken> reply = reply(requestedAt);
          return reply
              .timeout(REQUEST_TIMEOUT, scheduler)
              .onErrorMap(
                  e -> !(e instanceof TokenException),
                  e -> new TokenException("request timed out", e, true))
              .doFinally(signal -> inFlight.decrementAndGet());
        });
  }

  private Mono<IssuedToken> reply(Instant requestedAt) {
    Duration latency = Duration.ofMillis(random.nextInt((int) MAX_LATENCY.toMillis() + 1));
    if (random.nextDouble() >= failureRate) {
      Duration lifetime = LIFETIMES[random.nextInt(LIFETIMES.length)];
      int n = issued.incrementAndGet();
      IssuedToken token =
          new IssuedToken(
              new AccessToken("token-" + n, "bearer", requestedAt.plus(lifetime)), requestedAt);
      return Mono.delay(latency, scheduler).thenReturn(token);
    }
    int kind = random.nextInt(7);
    if (kind == 0) {
      return Mono.never(); // a stall: the request timeout ends it
    }
    return Mono.delay(latency, scheduler).then(Mono.error(failure(kind)));
  }

  private TokenException failure(int kind) {
    switch (kind) {
      case 1:
        Duration asked = Duration.ofSeconds(random.nextInt(90));
        return new TokenEndpointException("HTTP 429", 429, null, null, asked, null, true);
      case 2:
        return new TokenEndpointException("HTTP 429", 429, null, null, null, null, true);
      case 3:
        return new TokenEndpointException("HTTP 503", 503, null, null, null, null, true);
      case 4:
        return new TokenEndpointException(
            "throttled", 400, "invalid_request", "rate limit exceeded; try later", null, null, true);
      case 5:
        return new TokenEndpointException(
            "invalid_client", 400, "invalid_client", "authentication failed", null, null, false);
      default:
        return new TokenException("not a token reply", null, false);
    }
  }

  int mostInFlight() {
    return mostInFlight.get();
  }

  List<Instant> attemptsStartedAt() {
    synchronized (attemptsStartedAt) {
      return List.copyOf(attemptsStartedAt);
    }
  }
}
