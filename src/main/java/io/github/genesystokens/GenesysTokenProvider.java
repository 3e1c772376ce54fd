package io.github.genesystokens;

import io.netty.channel.ChannelOption;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongFunction;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * A {@link TokenProvider} for the OAuth2 client-credentials grant of Genesys Cloud, or of any RFC
 * 6749 token endpoint.
 *
 * <pre>{@code
 * TokenProvider tokens = GenesysTokenProvider.builder()
 *     .clientId(System.getenv("GENESYS_CLIENT_ID"))
 *     .clientSecret(System.getenv("GENESYS_CLIENT_SECRET"))
 *     .region(GenesysRegion.EU_CENTRAL_1)
 *     .build();
 *
 * Mono<AccessToken> token = tokens.token();
 * }</pre>
 *
 * <p><b>Other servers, rotating secrets.</b> Requests authenticate as Genesys Cloud expects;
 * {@link Builder#clientAuthentication(ClientAuthentication)} selects the RFC 6749 methods other
 * servers expect. {@link Builder#credentials(Mono)} reads the id and secret from a source for each
 * token request, such as files that change when the secret is rotated ({@link
 * ClientCredentials#fromFiles}); see {@code docs/interop.md}.
 *
 * <p><b>Share one provider per OAuth client.</b> Each provider keeps one token and makes one token
 * request per token lifetime, however many threads call it. Close it when the application stops.
 *
 * <p><b>Timing.</b> A token's expiry is measured from the instant its request was sent, on the
 * provider's {@link Clock}. It is served without any request until {@code refreshAhead} before
 * that expiry (at most half its lifetime); then it is still served at once while one background
 * request renews it, and a timer starts that request even when nobody calls; from {@code
 * expirySkew} before expiry (at most a tenth of its lifetime) it is no longer served, and callers
 * wait for a new one.
 */
public final class GenesysTokenProvider implements TokenProvider {

  private static final Logger log = Loggers.getLogger(GenesysTokenProvider.class);

  private final TokenCache cache;
  private final String client;
  private final URI tokenUri;

  /** @param client the client id, or the credentials source, as the provider's description */
  private GenesysTokenProvider(TokenCache cache, String client, URI tokenUri) {
    this.cache = cache;
    this.client = client;
    this.tokenUri = tokenUri;
  }

  /**
   * Starts the configuration of a provider.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Mono<AccessToken> token() {
    return cache.token();
  }

  @Override
  public void invalidate(AccessToken rejected) {
    cache.invalidate(rejected);
  }

  @Override
  public TokenStatus status() {
    return cache.status();
  }

  @Override
  public void reportReplay(boolean recovered) {
    cache.replayed(recovered);
  }

  @Override
  public void close() {
    cache.close();
  }

  /**
   * The client id (or the credentials source), the token endpoint and the cache state; never a
   * secret or a token.
   */
  @Override
  public String toString() {
    return "GenesysTokenProvider["
        + client
        + ", tokenUri="
        + tokenUri
        + ", token="
        + cache.describe()
        + "]";
  }

  /**
   * Configures a {@link GenesysTokenProvider}. Each setter checks its argument at once; {@link
   * #build()} checks the combination. A builder is not thread-safe; it may build several providers.
   */
  public static final class Builder {

    /**
     * Five minutes: the refresh offset of the Azure SDK's token cache (google-auth refreshes 3 min
     * 45 s ahead and stops serving 3 min ahead), ample for a 24 h token.
     */
    static final Duration DEFAULT_REFRESH_AHEAD = Duration.ofMinutes(5);
    /** Sixty seconds, as the Genesys Go SDK: covers clock skew and the latency of the call. */
    static final Duration DEFAULT_EXPIRY_SKEW = Duration.ofSeconds(60);

    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final int DEFAULT_MAX_RETRIES = 3;
    static final Duration DEFAULT_MIN_BACKOFF = Duration.ofSeconds(1);
    static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    /** Genesys's per-token API limit (docs/genesys-login.md, "On API calls"). */
    static final int DEFAULT_REQUESTS_PER_TOKEN_PER_MINUTE = 300;
    /**
     * The Terraform provider holds up to 50 live tokens of one client; a pool larger than that
     * would be its own token storm.
     */
    static final int MAX_POOL_SIZE = 50;

    /** The Genesys Java SDK's limit: a longer wait than this is treated as an outage. */
    static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(180);

    static final Duration DEFAULT_FAILURE_COOLDOWN = Duration.ofSeconds(5);

    /** Form parameters the provider sets; a user-set one would conflict with it. */
    private static final Set<String> RESERVED_PARAMETERS =
        Set.of("grant_type", "scope", "client_id", "client_secret");

    private String clientId;
    private String clientSecret;
    private Mono<ClientCredentials> credentials;
    private ClientAuthentication clientAuthentication = ClientAuthentication.GENESYS_BASIC;
    private final List<Map.Entry<String, String>> tokenRequestParameters = new ArrayList<>();
    private GenesysRegion region;
    private URI tokenUri;
    private List<String> scopes = List.of();
    private Duration refreshAhead = DEFAULT_REFRESH_AHEAD;
    private Duration expirySkew = DEFAULT_EXPIRY_SKEW;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration minBackoff = DEFAULT_MIN_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
    private Duration failureCooldown = DEFAULT_FAILURE_COOLDOWN;
    private Clock clock = Clock.systemUTC();
    private Scheduler scheduler = Schedulers.parallel();
    private HttpClient httpClient;
    private final List<TokenListener> listeners = new ArrayList<>();
    private int poolSize = 1;
    private Integer requestsPerTokenPerMinute;

    private Builder() {}

    /**
     * The OAuth client id. Required, unless the credentials come from {@link #credentials(Mono)}.
     *
     * @param clientId the id of a client-credentials OAuth client
     * @return this builder
     */
    public Builder clientId(String clientId) {
      this.clientId = requireText(clientId, "clientId");
      return this;
    }

    /**
     * The OAuth client secret. Required, unless the credentials come from {@link
     * #credentials(Mono)}. It is sent only in token requests, as {@link
     * #clientAuthentication(ClientAuthentication)} says, and never printed.
     *
     * @param clientSecret the client's secret
     * @return this builder
     */
    public Builder clientSecret(String clientSecret) {
      this.clientSecret = requireText(clientSecret, "clientSecret");
      return this;
    }

    /**
     * Where the client id and secret come from, instead of {@link #clientId(String)} and {@link
     * #clientSecret(String)}: for credentials that change while the application runs, such as
     * {@link ClientCredentials#fromFiles(java.nio.file.Path, java.nio.file.Path)} over a mounted
     * Kubernetes secret.
     *
     * <p>The source is subscribed for every token request, never for a call served from the
     * cache: the token already held stays in use until it is renewed or rejected. When a request
     * fails with {@code invalid_client}, the source is read once more and, if it now gives other
     * credentials, the request is sent again at once, within the same fetch, so that the callers
     * waiting for it see no error; if it gives the same ones, the error stands, with its {@link
     * #failureCooldown(Duration) cooldown}. A source that fails or completes empty fails the
     * request with a {@link TokenException} that names it (its {@code name(...)}, or for files,
     * their paths).
     *
     * <p>The source runs on the thread that asks for a token (an event loop, or the refresh
     * timer's scheduler): if it blocks, it must move itself off that thread, as {@code fromFiles}
     * does with {@code subscribeOn(Schedulers.boundedElastic())}.
     *
     * @param source a source of credentials, subscribed once per token request
     * @return this builder
     */
    public Builder credentials(Mono<ClientCredentials> source) {
      this.credentials = Objects.requireNonNull(source, "credentials must not be null");
      return this;
    }

    /**
     * How token requests carry the client id and secret. The default, {@link
     * ClientAuthentication#GENESYS_BASIC}, is what Genesys Cloud expects; other RFC 6749 servers
     * expect {@link ClientAuthentication#CLIENT_SECRET_BASIC} (most) or {@link
     * ClientAuthentication#CLIENT_SECRET_POST} (a client registered for it). With either Basic
     * method a client id containing {@code :} is refused at {@link #build()}.
     *
     * @param clientAuthentication the method
     * @return this builder
     */
    public Builder clientAuthentication(ClientAuthentication clientAuthentication) {
      this.clientAuthentication =
          Objects.requireNonNull(clientAuthentication, "clientAuthentication must not be null");
      return this;
    }

    /**
     * Adds a parameter to the form body of every token request, such as {@code audience} or
     * {@code resource} (RFC 8707), which some servers require. Repeatable, also with one name
     * (several {@code resource} values); sent form-encoded, in the order added, after {@code
     * grant_type} and {@code scope}. Not sent to Genesys Cloud unless set.
     *
     * @param name the parameter name; not one the provider sets itself ({@code grant_type},
     *     {@code scope}: use {@link #scopes(String...)}, {@code client_id}, {@code
     *     client_secret}: use the credentials)
     * @param value its value, may be empty
     * @return this builder
     */
    public Builder tokenRequestParameter(String name, String value) {
      requireText(name, "tokenRequestParameter name");
      Objects.requireNonNull(value, "tokenRequestParameter value must not be null");
      if (RESERVED_PARAMETERS.contains(name)) {
        throw new IllegalArgumentException(
            "tokenRequestParameter "
                + name
                + " is set by the provider itself; "
                + (name.equals("scope") ? "use scopes(...)" : "it cannot be overridden"));
      }
      tokenRequestParameters.add(Map.entry(name, value));
      return this;
    }

    /**
     * The Genesys Cloud region whose login service issues the tokens, {@code
     * https://login.<domain>/oauth/token}. Set this or {@link #tokenUri(URI)}, not both.
     *
     * @param region the org's region
     * @return this builder
     */
    public Builder region(GenesysRegion region) {
      this.region = Objects.requireNonNull(region, "region must not be null");
      return this;
    }

    /**
     * The token endpoint, for a server other than a Genesys region's login service (a gateway,
     * another RFC 6749 server, an emulator). It must be {@code https}, or {@code http} to a
     * loopback address. Set this or {@link #region(GenesysRegion)}, not both.
     *
     * @param tokenUri an absolute URI without user info
     * @return this builder
     */
    public Builder tokenUri(URI tokenUri) {
      Loopback.requireUsableTokenUri(tokenUri);
      this.tokenUri = tokenUri;
      return this;
    }

    /**
     * The scopes to request, sent space-separated in the {@code scope} parameter. By default none
     * is sent, as the Genesys SDKs do: a client-credentials client gets its permissions from the
     * roles of the OAuth client. Replaces any scopes set before; duplicates are dropped.
     *
     * @param scopes scope tokens such as {@code analytics:readonly}; none clears them
     * @return this builder
     */
    public Builder scopes(String... scopes) {
      Objects.requireNonNull(scopes, "scopes must not be null");
      Set<String> distinct = new LinkedHashSet<>();
      for (String scope : scopes) {
        requireText(scope, "scope");
        for (int i = 0; i < scope.length(); i++) {
          char c = scope.charAt(i);
          // RFC 6749 section 3.3: %x21 / %x23-5B / %x5D-7E
          if (c < 0x21 || c > 0x7E || c == '"' || c == '\\') {
            throw new IllegalArgumentException(
                "scope must be printable ASCII without spaces, quotes or backslashes: '"
                    + scope
                    + "'");
          }
        }
        distinct.add(scope);
      }
      this.scopes = List.copyOf(new ArrayList<>(distinct));
      return this;
    }

    /**
     * How long before expiry a background refresh starts; capped at half the token's lifetime.
     * The default is 5 minutes. Zero disables the refresh ahead: the token is renewed only once it
     * is expired, and callers wait for that.
     *
     * @param refreshAhead a non-negative duration, at least {@code expirySkew}
     * @return this builder
     */
    public Builder refreshAhead(Duration refreshAhead) {
      this.refreshAhead = requireNonNegative(refreshAhead, "refreshAhead");
      return this;
    }

    /**
     * How long before its stated expiry a token is no longer handed out, to cover clock skew and
     * the time the caller's request takes to reach the API; capped at a tenth of the token's
     * lifetime. The default is 60 seconds.
     *
     * @param expirySkew a non-negative duration
     * @return this builder
     */
    public Builder expirySkew(Duration expirySkew) {
      this.expirySkew = requireNonNegative(expirySkew, "expirySkew");
      return this;
    }

    /**
     * The longest one token request may take, from connecting to the last byte of the reply. The
     * default is 10 seconds.
     *
     * @param requestTimeout a positive duration
     * @return this builder
     */
    public Builder requestTimeout(Duration requestTimeout) {
      requireNonNegative(requestTimeout, "requestTimeout");
      if (requestTimeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * How many times a transiently failed token request is retried before the failure reaches the
     * callers. The default is 3; zero disables retries.
     *
     * @param maxRetries a non-negative count
     * @return this builder
     */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * The exponential backoff between retries: the first wait is {@code min}, each next one twice
     * the last, never more than {@code max}, each with random jitter of up to half its length. The
     * default is 1 second to 30 seconds, the range of Genesys's Terraform provider.
     *
     * @param min the first wait, non-negative
     * @param max the longest wait, at least {@code min}
     * @return this builder
     */
    public Builder retryBackoff(Duration min, Duration max) {
      requireNonNegative(min, "retryBackoff min");
      requireNonNegative(max, "retryBackoff max");
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            "retryBackoff max (" + max + ") must not be less than min (" + min + ")");
      }
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    /**
     * The longest {@code Retry-After} the provider waits for. A server that asks for more fails
     * the request at once, with the wait in the error, instead of holding callers that long. The
     * default is 180 seconds, the limit of the Genesys Java SDK.
     *
     * @param maxRetryAfter a non-negative duration
     * @return this builder
     */
    public Builder maxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = requireNonNegative(maxRetryAfter, "maxRetryAfter");
      return this;
    }

    /**
     * How long a final failure is repeated to callers without a new request, so that a broken
     * configuration or an outage is not hammered by every caller. The default is 5 seconds; a
     * longer {@code Retry-After} from the server takes precedence. Zero disables it. After a
     * transient failure with no usable token, a recovery probe (one request per step of the
     * {@linkplain #retryBackoff(Duration, Duration) backoff}, while callers are refused) ends the
     * cooldown as soon as the login service answers again; with a backoff whose minimum is zero
     * there is no probe, and the cooldown is waited out.
     *
     * @param failureCooldown a non-negative duration
     * @return this builder
     */
    public Builder failureCooldown(Duration failureCooldown) {
      this.failureCooldown = requireNonNegative(failureCooldown, "failureCooldown");
      return this;
    }

    /**
     * The clock on which expiry and refresh instants are computed. The default is {@link
     * Clock#systemUTC()}; tests inject one that follows their virtual time.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * The scheduler on which the background refresh timer, the waits between retries and the
     * recovery probe run, and on which callers that waited for a token request resume: a herd of
     * them goes round-robin over its workers instead of continuing one after another on the event
     * loop that read the reply (a caller served a cached token continues on its own thread). The
     * default is {@link Schedulers#parallel()}: the provider's tasks are short and never block,
     * and what callers do next must not block either, as on an event loop. Tests pass a {@code
     * VirtualTimeScheduler} here, with a {@link #clock(Clock)} that reads it, so that the
     * provider's instants and its timers move together. The provider never disposes it.
     *
     * <p>The timeout of one token request ({@link #requestTimeout(Duration)}) is not measured on
     * it: that is the transport's, in real time, as the network is.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
      return this;
    }

    /**
     * The Reactor Netty client for token requests, to share its connection pool, proxy and TLS
     * settings. The provider adds its headers and timeouts to a copy and never closes it. By
     * default each provider creates one small pool of its own and releases it on {@link
     * TokenProvider#close()}.
     *
     * @param httpClient the client
     * @return this builder
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient must not be null");
      return this;
    }

    /**
     * Adds a listener of the provider's fetches, token requests, cache hits, invalidations,
     * replays and closing: for metrics ({@code
     * io.github.genesystokens.micrometer.GenesysTokenMetrics}), traces or alerts. May be called
     * several times; listeners are called in the order they were added. A listener that throws is
     * logged once and never fails a caller. Listeners hear every served token ({@link
     * TokenListener#onCacheHit()}): a provider without any skips that work, and {@code
     * docs/benchmarks-by-hand.md} measures its cost with them.
     *
     * @param listener the listener, shared by every provider this builder builds
     * @return this builder
     */
    public Builder listener(TokenListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
      return this;
    }

    /**
     * How many tokens of this one OAuth client the provider may hold at once, to carry more API
     * requests than one token's rate limit allows (Genesys: 300 requests a minute per token). The
     * default, 1, is the single-token provider; 2 or more builds a pool.
     *
     * <p>A pool counts each token it hands out as one API request, per token over a sliding
     * minute on the provider's {@link #clock(Clock)}, and hands out the token with the fewest
     * requests in the last minute. It starts with one token and requests the next only when the
     * least used one has reached 80 % of {@link #requestsPerTokenPerMinute(int)}: one token
     * request at a time and at most one a second, so a pool alone never bursts token requests at
     * the login service. Each token has the behaviour of a single provider: single-flight,
     * refresh-ahead, the failure cooldown and compare-and-invalidate ({@link
     * TokenProvider#invalidate} drops only the slot of the token given, which is renewed while the
     * others serve). On a 429 from the API the WebClient filter and the SDK connector set the
     * refused token aside until its {@code Retry-After} and send the request once more with
     * another ({@link TokenProvider#reportRateLimited}). The tokens share the connection pool,
     * retry rules, scheduler and listeners. See {@code docs/design.md}, "Token pool".
     *
     * @param poolSize from 1 to 50 (the most the Terraform provider holds of one client)
     * @return this builder
     */
    public Builder poolSize(int poolSize) {
      if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
        throw new IllegalArgumentException(
            "poolSize must be between 1 and " + MAX_POOL_SIZE + ": " + poolSize);
      }
      this.poolSize = poolSize;
      return this;
    }

    /**
     * The API requests one token may make per minute, for a pool ({@link #poolSize(int)} of 2 or
     * more). The default is 300, Genesys's per-token limit ({@code
     * client.credentials.token.rate.per.minute}); set it lower for headroom, or to an org's raised
     * limit.
     *
     * @param requestsPerTokenPerMinute a positive count
     * @return this builder
     */
    public Builder requestsPerTokenPerMinute(int requestsPerTokenPerMinute) {
      if (requestsPerTokenPerMinute < 1) {
        throw new IllegalArgumentException(
            "requestsPerTokenPerMinute must be at least 1: " + requestsPerTokenPerMinute);
      }
      this.requestsPerTokenPerMinute = requestsPerTokenPerMinute;
      return this;
    }

    /**
     * Creates the provider. Nothing is requested until the first {@link TokenProvider#token()}.
     *
     * @return a new provider
     * @throws IllegalStateException if a required setting is missing or settings contradict
     */
    public TokenProvider build() {
      if (credentials != null && (clientId != null || clientSecret != null)) {
        throw new IllegalStateException(
            "set credentials or clientId and clientSecret, not both");
      }
      if (credentials == null && clientId == null) {
        throw new IllegalStateException("clientId (or credentials) is required");
      }
      if (credentials == null && clientSecret == null) {
        throw new IllegalStateException("clientSecret is required");
      }
      if (clientId != null && clientId.indexOf(':') >= 0 && clientAuthentication.usesBasic()) {
        throw new IllegalStateException(
            "clientId '"
                + clientId
                + "' contains ':', which clientAuthentication "
                + clientAuthentication
                + " cannot send (RFC 7617: the server splits the id at the first ':');"
                + " use ClientAuthentication.CLIENT_SECRET_POST");
      }
      if (region == null && tokenUri == null) {
        throw new IllegalStateException("region or tokenUri is required");
      }
      if (region != null && tokenUri != null) {
        throw new IllegalStateException(
            "set region or tokenUri, not both (region "
                + region
                + ", tokenUri "
                + tokenUri
                + ")");
      }
      if (refreshAhead.compareTo(expirySkew) < 0) {
        throw new IllegalStateException(
            "refreshAhead ("
                + refreshAhead
                + ") must not be less than expirySkew ("
                + expirySkew
                + "): a token would expire before its refresh starts");
      }
      if (requestsPerTokenPerMinute != null && poolSize == 1) {
        throw new IllegalStateException(
            "requestsPerTokenPerMinute ("
                + requestsPerTokenPerMinute
                + ") applies to a pool of tokens; set poolSize(n) with n of 2 or more");
      }
      URI uri = tokenUri != null ? tokenUri : region.tokenUri();
      Mono<ClientCredentials> source =
          credentials != null ? credentials : Mono.just(ClientCredentials.of(clientId, clientSecret));
      String client =
          credentials != null
              ? "credentials from " + CredentialedFetch.describe(credentials)
              : "clientId=" + clientId;
      String name = (credentials != null ? client : "client " + clientId) + " at " + uri;

      ConnectionProvider ownPool = null;
      HttpClient transport = httpClient;
      if (transport == null) {
        // Token requests are rare (one per lifetime), so a few connections suffice; idle ones are
        // dropped before a load balancer silently would.
        ownPool =
            ConnectionProvider.builder("genesys-token-provider")
                .maxConnections(8)
                .pendingAcquireMaxCount(64)
                .maxIdleTime(Duration.ofSeconds(20))
                .build();
        transport =
            HttpClient.create(ownPool)
                .option(
                    ChannelOption.CONNECT_TIMEOUT_MILLIS,
                    (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis()));
      }
      TokenEndpoint endpoint =
          new TokenEndpoint(
              transport,
              uri,
              clientAuthentication,
              scopes,
              tokenRequestParameters,
              client,
              requestTimeout,
              clock);
      RetryRules rules = new RetryRules(maxRetries, minBackoff, maxBackoff, maxRetryAfter, scheduler);
      CredentialedFetch fetch = new CredentialedFetch(source, endpoint, rules, name);
      ConnectionProvider pool = ownPool;
      Runnable release =
          pool == null
              ? () -> {}
              : () ->
                  pool.disposeLater()
                      .subscribe(
                          null,
                          e -> log.debug("{}: closing the connection pool failed: {}", name, e));
      RefreshPolicy policy = new RefreshPolicy(refreshAhead, expirySkew);
      Listeners told = Listeners.of(listeners, name);
      // A zero backoff has no step to probe on: its probe would ask again at once, over and over,
      // for the whole cooldown. Then the cooldown stands, as it did before probes.
      LongFunction<Duration> probeBackoff = minBackoff.isZero() ? null : rules::backoff;
      if (poolSize == 1) {
        return new GenesysTokenProvider(
            new TokenCache(
                fetch, policy, clock, scheduler, failureCooldown, name, release, told, probeBackoff),
            client,
            uri);
      }
      int slots = poolSize;
      // One cache per slot, made when the pool needs it: each slot's fetch tells the pool which
      // token the slot now holds; the connection pool is released by the pool, once.
      return new TokenPool(
          (index, issued) -> {
            String slotName = name + " (pooled token " + (index + 1) + " of " + slots + ")";
            return new TokenCache(
                () -> fetch.get().doOnNext(t -> issued.accept(t.token())),
                policy,
                clock,
                scheduler,
                failureCooldown,
                slotName,
                () -> {},
                told,
                probeBackoff);
          },
          poolSize,
          requestsPerTokenPerMinute == null
              ? DEFAULT_REQUESTS_PER_TOKEN_PER_MINUTE
              : requestsPerTokenPerMinute,
          clock,
          client,
          uri,
          release);
    }

    private static String requireText(String value, String name) {
      Objects.requireNonNull(value, name + " must not be null");
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return value;
    }

    private static Duration requireNonNegative(Duration value, String name) {
      Objects.requireNonNull(value, name + " must not be null");
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative: " + value);
      }
      return value;
    }

    /** The settings, with the secret masked. */
    @Override
    public String toString() {
      return "GenesysTokenProvider.Builder[clientId="
          + clientId
          + ", clientSecret="
          + (clientSecret == null ? "null" : "<redacted>")
          + (credentials == null ? "" : ", credentials=" + CredentialedFetch.describe(credentials))
          + ", clientAuthentication="
          + clientAuthentication
          + ", region="
          + region
          + ", tokenUri="
          + tokenUri
          + ", scopes="
          + scopes
          + "]";
    }
  }
}
