package io.github.genesystokens.micrometer;

import io.github.genesystokens.TokenEndpointException;
import io.github.genesystokens.TokenException;
import io.github.genesystokens.TokenListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Micrometer meters and a tracing {@link Observation} for a token provider: a {@link TokenListener}
 * to add to the provider's builder.
 *
 * <pre>{@code
 * TokenProvider tokens = GenesysTokenProvider.builder()
 *     .clientId(...).clientSecret(...).region(GenesysRegion.EU_CENTRAL_1)
 *     .listener(GenesysTokenMetrics.builder()
 *         .name("orders")
 *         .meterRegistry(meterRegistry)
 *         .observationRegistry(observationRegistry)
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p><b>Meters</b>, each tagged {@code name} (the name given here, never a client id, secret,
 * scope or URL):
 *
 * <ul>
 *   <li>{@value #REQUESTS}, a counter, one per token request (each retry counts): tags {@code
 *       outcome} ({@code success}, {@code retryable}, {@code terminal}) and {@code status} ({@code
 *       200}, {@code 400}, {@code 401}, {@code 429}, {@code 4xx} for any other client error, {@code
 *       5xx}, {@code timeout}, {@code io});
 *   <li>{@value #FETCH}, a timer, one per fetch (a token request with its retries and their
 *       waits): tags {@code trigger} ({@code first_use}, {@code expired}, {@code refresh_ahead},
 *       {@code timer}, {@code invalidated}, {@code recovery}) and {@code outcome} ({@code success}, {@code
 *       retryable}, {@code terminal});
 *   <li>{@value #EXPIRY}, a time gauge: seconds until the last issued token expires, {@code NaN}
 *       when there is none (before the first token, after an invalidation, after close);
 *   <li>{@value #INVALIDATIONS}, a counter: tag {@code result} ({@code accepted}, {@code
 *       ignored});
 *   <li>{@value #REPLAYS}, a counter of requests an adapter replayed after a 401: tag {@code
 *       result} ({@code recovered}, {@code rejected_again}).
 * </ul>
 *
 * <p><b>Trace.</b> With an {@link ObservationRegistry}, each fetch is an observation named
 * {@value #FETCH}, started when the fetch starts and stopped when it ends (with the error when it
 * fails), with one event per token request ({@code genesys.token.request}, contextual name such as
 * {@code attempt 1: 400 retryable}). Low-cardinality keys: {@code name}, {@code trigger}, {@code
 * outcome}; high-cardinality: {@code correlation.id} of the last failed request, when the server
 * gave one. If that registry also has a meter handler (as in Spring Boot), it records its own
 * {@value #FETCH} timer with an extra {@code error} tag; give this class only one of the two
 * registries then, or rename one with a {@code MeterFilter}, since some registries (Prometheus)
 * refuse two meters of one name with different tag keys.
 *
 * <p><b>Many providers.</b> One instance may serve many providers, such as every provider of a
 * {@code TokenProviderRegistry} ({@code providerSettings(b -> b.listener(metrics))}): their
 * counts add up under one {@code name}, so a registry of many organisations creates no series per
 * organisation; its expiry gauge then shows the token issued last. For series per organisation,
 * build one instance per provider, each with its own name.
 *
 * <p>The gauge holds this object weakly and never references a provider, so a registry never keeps
 * a closed provider alive. Thread-safe.
 */
public final class GenesysTokenMetrics implements TokenListener {

  /** Token requests: {@value}. */
  public static final String REQUESTS = "genesys.token.requests";
  /** Fetches, as a timer and as an observation: {@value}. */
  public static final String FETCH = "genesys.token.fetch";
  /** Seconds until the token expires: {@value}. */
  public static final String EXPIRY = "genesys.token.expiry";
  /** Invalidations: {@value}. */
  public static final String INVALIDATIONS = "genesys.token.invalidations";
  /** Replays after a 401: {@value}. */
  public static final String REPLAYS = "genesys.token.replays";

  private static final String REQUEST_EVENT = "genesys.token.request";

  private final String name;
  private final MeterRegistry meters;
  private final ObservationRegistry observations;
  private final Clock clock;
  private final Tags nameTag;

  private final Counter invalidationsAccepted;
  private final Counter invalidationsIgnored;
  private final Counter replaysRecovered;
  private final Counter replaysRejected;

  private volatile Instant expiresAt;

  private GenesysTokenMetrics(Builder builder) {
    this.name = builder.name;
    this.meters = builder.meters;
    this.observations = builder.observations;
    this.clock = builder.clock;
    this.nameTag = Tags.of("name", name);
    if (meters != null) {
      invalidationsAccepted = counter(INVALIDATIONS, "result", "accepted");
      invalidationsIgnored = counter(INVALIDATIONS, "result", "ignored");
      replaysRecovered = counter(REPLAYS, "result", "recovered");
      replaysRejected = counter(REPLAYS, "result", "rejected_again");
    } else {
      invalidationsAccepted = null;
      invalidationsIgnored = null;
      replaysRecovered = null;
      replaysRejected = null;
    }
  }

  /**
   * Starts the configuration of a listener.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Registered once constructed, not in the constructor: the gauge holds this object (weakly), which
   * must not escape before it is complete.
   */
  private GenesysTokenMetrics registerGauge() {
    if (meters != null) {
      TimeGauge.builder(EXPIRY, this, TimeUnit.SECONDS, GenesysTokenMetrics::secondsToExpiry)
          .tags(nameTag)
          .description("Seconds until the cached token expires; NaN when there is none")
          .register(meters);
    }
    return this;
  }

  private Counter counter(String meter, String key, String value) {
    return Counter.builder(meter).tags(nameTag).tag(key, value).register(meters);
  }

  private double secondsToExpiry() {
    Instant at = expiresAt;
    return at == null ? Double.NaN : Duration.between(clock.instant(), at).toNanos() / 1e9;
  }

  @Override
  public Fetch onFetchStarted(Trigger trigger) {
    return new FetchRecord(trigger);
  }

  @Override
  public void onInvalidation(boolean accepted) {
    if (accepted) {
      expiresAt = null;
    }
    if (meters != null) {
      (accepted ? invalidationsAccepted : invalidationsIgnored).increment();
    }
  }

  @Override
  public void onReplay(boolean recovered) {
    if (meters != null) {
      (recovered ? replaysRecovered : replaysRejected).increment();
    }
  }

  @Override
  public void onClosed() {
    expiresAt = null;
  }

  /** The name, and which registries it records to. */
  @Override
  public String toString() {
    return "GenesysTokenMetrics[name="
        + name
        + ", meters="
        + (meters != null)
        + ", observations="
        + (observations != null)
        + "]";
  }

  /** The {@code status} tag of one token request's failure. */
  static String statusOf(TokenException failure) {
    if (failure instanceof TokenEndpointException) {
      int status = ((TokenEndpointException) failure).statusCode();
      if (status == 400 || status == 401 || status == 429 || status == 200) {
        return Integer.toString(status);
      }
      if (status >= 500 && status <= 599) {
        return "5xx";
      }
      if (status >= 400 && status <= 499) {
        return "4xx";
      }
      // A 2xx that is not a token, or an odd status.
      return (status / 100) + "xx";
    }
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      // The provider's overall timeout is the JDK's; the transport's read, write and connect
      // timeouts are Netty's (ReadTimeoutException, ConnectTimeoutException), named alike.
      if (cause instanceof TimeoutException || cause.getClass().getSimpleName().endsWith("TimeoutException")) {
        return "timeout";
      }
    }
    return "io";
  }

  static String outcomeOf(TokenException failure) {
    return failure.isRetryable() ? "retryable" : "terminal";
  }

  /** One fetch: its trigger, its observation, its last correlation id. */
  private final class FetchRecord implements Fetch {

    private final String trigger;
    private final Observation observation;
    private volatile String correlationId;

    FetchRecord(Trigger trigger) {
      this.trigger = trigger.name().toLowerCase(Locale.ROOT);
      if (observations != null) {
        observation =
            Observation.createNotStarted(FETCH, observations)
                .contextualName("genesys token fetch")
                .lowCardinalityKeyValue("name", name)
                .lowCardinalityKeyValue("trigger", this.trigger)
                .start();
      } else {
        observation = null;
      }
    }

    @Override
    public void onRequestSucceeded(int attempt, Duration duration) {
      request(attempt, "success", "200");
    }

    @Override
    public void onRequestFailed(int attempt, Duration duration, TokenException failure) {
      if (failure instanceof TokenEndpointException) {
        String id = ((TokenEndpointException) failure).correlationId();
        if (id != null) {
          correlationId = id;
        }
      }
      request(attempt, outcomeOf(failure), statusOf(failure));
    }

    private void request(int attempt, String outcome, String status) {
      if (meters != null) {
        Counter.builder(REQUESTS)
            .tags(nameTag)
            .tag("outcome", outcome)
            .tag("status", status)
            .register(meters)
            .increment();
      }
      if (observation != null) {
        observation.event(
            Observation.Event.of(
                REQUEST_EVENT, "attempt " + attempt + ": " + status + " " + outcome));
      }
    }

    @Override
    public void onIssued(Instant expires, Duration lifetime, int attempts, Duration duration) {
      expiresAt = expires;
      end("success", duration, null);
    }

    @Override
    public void onFailed(TokenException failure, int attempts, Duration duration) {
      end(outcomeOf(failure), duration, failure);
    }

    private void end(String outcome, Duration duration, TokenException failure) {
      if (meters != null) {
        Timer.builder(FETCH)
            .tags(nameTag)
            .tag("trigger", trigger)
            .tag("outcome", outcome)
            .register(meters)
            .record(duration);
      }
      if (observation != null) {
        observation.lowCardinalityKeyValue("outcome", outcome);
        String id = correlationId;
        if (id != null) {
          observation.highCardinalityKeyValue("correlation.id", id);
        }
        if (failure != null) {
          observation.error(failure);
        }
        observation.stop();
      }
    }
  }

  /** Configures a {@link GenesysTokenMetrics}. Not thread-safe. */
  public static final class Builder {

    private String name = "default";
    private MeterRegistry meters;
    private ObservationRegistry observations;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The value of the {@code name} tag and key: which provider (or group of providers) this is.
     * The default is {@code default}. Choose a fixed label such as {@code orders}, never a client
     * id or anything secret; it becomes a time series label.
     *
     * @param name a non-blank label
     * @return this builder
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name must not be null");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return this;
    }

    /**
     * The registry the meters are registered in. Set this, {@link #observationRegistry}, or both.
     *
     * @param registry the meter registry
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meters = Objects.requireNonNull(registry, "meterRegistry must not be null");
      return this;
    }

    /**
     * The registry each fetch is observed in, for traces. Set this, {@link #meterRegistry}, or
     * both.
     *
     * @param registry the observation registry
     * @return this builder
     */
    public Builder observationRegistry(ObservationRegistry registry) {
      this.observations = Objects.requireNonNull(registry, "observationRegistry must not be null");
      return this;
    }

    /**
     * The clock the expiry gauge reads; give the provider's clock if it has its own. The default
     * is {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * Creates the listener and registers its meters (the gauge and the invalidation and replay
     * counters at once, request and fetch meters on first use).
     *
     * @return the listener, for {@code GenesysTokenProvider.Builder#listener}
     * @throws IllegalStateException if neither registry is set
     */
    public GenesysTokenMetrics build() {
      if (meters == null && observations == null) {
        throw new IllegalStateException("meterRegistry or observationRegistry is required");
      }
      return new GenesysTokenMetrics(this).registerGauge();
    }
  }
}
