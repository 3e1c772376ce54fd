package io.github.genesystokens.emulator;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A local stand-in for the Genesys Cloud login service and a sliver of its Platform API, for tests,
 * demos and local development without a Genesys organisation.
 *
 * <pre>{@code
 * try (GenesysLoginEmulator emulator = GenesysLoginEmulator.start()) {
 *   TokenProvider tokens = GenesysTokenProvider.builder()
 *       .clientId(GenesysLoginEmulator.DEFAULT_CLIENT_ID)
 *       .clientSecret(GenesysLoginEmulator.DEFAULT_CLIENT_SECRET)
 *       .tokenUri(emulator.tokenUri())
 *       .build();
 *   ...
 * }
 * }</pre>
 *
 * <p>It listens on {@code 127.0.0.1} only, and answers as the real service does:
 *
 * <ul>
 *   <li>{@code POST /oauth/token}: the client-credentials grant with {@code Authorization: Basic}
 *       checked against the registered clients; {@code invalid_client} (HTTP 400 unless {@link
 *       Builder#invalidClientStatus(int)} says 401) "client not found" for an unknown id and
 *       "authentication failed" for a wrong secret; the reply {@code
 *       {"access_token":"...","token_type":"bearer","expires_in":...}} with the client's lifetime;
 *       the Genesys throttle (HTTP 400 {@code invalid_request}, "rate limit exceeded; ...") when a
 *       client mints faster than {@link Builder#tokenRateLimit(int, Duration)} allows.
 *   <li>{@code GET /api/v2/users/me}, {@code GET /api/v2/organizations/me}: 200 for a valid bearer
 *       token; 401 {@code {"message":"Invalid login credentials.","code":"bad.credentials",
 *       "status":401}} for an unknown, expired or revoked one ({@code authentication.required} when
 *       there is none). {@code DELETE /api/v2/tokens/me} revokes the token used (204). Each token
 *       may make {@link Builder#apiRateLimit(int)} requests a minute; beyond, 429 with {@code
 *       Retry-After} (whole seconds) and the body code {@code too.many.requests.retry.after}. {@code
 *       GET /api/v2/oauth/clients} answers 403 {@code missing.permissions}, as the emulated clients
 *       have no roles.
 *   <li>Every reply carries a fresh {@code ININ-Correlation-Id}. Header names are sent in their
 *       canonical case ({@code Retry-After}, {@code Content-Type}), as some clients, the official
 *       Java SDK among them, look them up case-sensitively.
 * </ul>
 *
 * <p>Clients change at run time as in the Genesys admin UI: {@link #registerClient}, {@link
 * #resetSecret} (the new secret replaces the old at once), {@link #disableClient} (its tokens are
 * revoked). Faults are scripted at run time: {@link #latency(Duration)}, {@link
 * #failNextTokenRequests(int, Fault)}, {@link #failNextApiRequests(int, Fault)}, {@link
 * #outage(Duration)}, {@link #holdApiReplies(int)}. What the API was sent is in {@link
 * #apiCalls()}. Token expiry, rate-limit windows
 * and outages are judged on the emulator's own {@link Builder#clock(Clock)}, so a test can make it
 * disagree with the client's clock.
 *
 * <p>Handlers never block: latency is a timer, not a sleeping thread. The emulator is thread-safe.
 * Close it to free the port; closing drops connections held by {@link Fault#hang()}.
 */
public final class GenesysLoginEmulator implements AutoCloseable {

  /** The client id accepted when the builder registers no client: {@value}. */
  public static final String DEFAULT_CLIENT_ID = "emulator-client";

  /** The secret of {@link #DEFAULT_CLIENT_ID}: {@value}. */
  public static final String DEFAULT_CLIENT_SECRET = "emulator-secret";

  /** How many API calls {@link #apiCalls()} keeps: {@value}. */
  public static final int API_CALL_LOG_CAPACITY = ApiCallLog.CAPACITY;

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /**
   * One request the emulator's API answered, as {@link #apiCalls()} records it. It holds the bearer
   * token as sent: print it nowhere.
   *
   * @param method the HTTP method, such as {@code GET}
   * @param path the path, from {@code /api/v2/}, without the query
   * @param authorization the {@code Authorization} header as sent, or null if there was none
   * @param body the request body as UTF-8 text, empty if there was none
   * @param status the HTTP status answered
   * @param correlationId the {@code ININ-Correlation-Id} answered, to match a client's log line
   * @param clientId the client the bearer token was issued to (even if it is revoked or expired
   *     now), or null if there was no token or the emulator never issued it
   * @param scopes the scopes the token was requested with ({@code scope}, space-separated, on the
   *     token request), empty if none or if the token is unknown
   */
  public record ApiCall(
      String method,
      String path,
      String authorization,
      String body,
      int status,
      String correlationId,
      String clientId,
      Set<String> scopes) {

    /** Checks the parts that are never missing, and copies the scopes. */
    public ApiCall {
      Objects.requireNonNull(method, "method must not be null");
      Objects.requireNonNull(path, "path must not be null");
      Objects.requireNonNull(body, "body must not be null");
      scopes = Set.copyOf(Objects.requireNonNull(scopes, "scopes must not be null"));
    }

    /** Everything but the {@code Authorization} header and the body, which may hold secrets. */
    @Override
    public String toString() {
      return "ApiCall[" + method + " " + path + " -> " + status + ", correlationId="
          + correlationId + ", clientId=" + clientId + ", scopes=" + scopes + "]";
    }
  }

  private final DisposableServer server;
  private final URI baseUri;
  private final TokenStore store;
  private final FaultPlan faults;
  private final Counters counters;
  private final Clock clock;
  private final Sinks.Empty<Void> closing;
  private final ApiCallLog apiCallLog = new ApiCallLog();
  private final ReplyBarrier barrier = new ReplyBarrier();
  /** The clients, by id; changed at run time by {@link #registerClient}, {@link #resetSecret}. */
  private final Map<String, RegisteredClient> clients = new ConcurrentHashMap<>();
  private final Duration defaultTokenLifetime;

  private GenesysLoginEmulator(Builder settings) {
    this.clock = settings.clock;
    this.store = new TokenStore();
    this.faults = new FaultPlan();
    this.counters = new Counters();
    this.closing = Sinks.empty();
    this.defaultTokenLifetime = settings.tokenLifetime;
    if (settings.clients.isEmpty()) {
      clients.put(
          DEFAULT_CLIENT_ID,
          new RegisteredClient(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, settings.tokenLifetime));
    }
    settings.clients.forEach(
        (id, client) ->
            clients.put(
                id,
                client.tokenLifetime() != null
                    ? client
                    : new RegisteredClient(id, client.secret(), settings.tokenLifetime)));
    LoginService login =
        new LoginService(
            clients,
            store,
            settings.throttle,
            faults,
            counters,
            clock,
            settings.invalidClientStatus,
            closing.asMono());
    ApiService api =
        new ApiService(
            store,
            new ApiRateLimiter(settings.apiRateLimit),
            counters,
            clock,
            faults,
            apiCallLog);
    Dispatcher dispatcher = new Dispatcher(login, api);
    this.server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(settings.port)
            .handle(dispatcher::dispatch)
            .bindNow(Duration.ofSeconds(10));
    this.baseUri = URI.create("http://127.0.0.1:" + server.port());
  }

  /**
   * Starts an emulator with the defaults: a free port, the client {@link #DEFAULT_CLIENT_ID} /
   * {@link #DEFAULT_CLIENT_SECRET} with 24-hour tokens, no throttle, 300 API requests per token per
   * minute, the system clock.
   *
   * @return the running emulator
   */
  public static GenesysLoginEmulator start() {
    return builder().start();
  }

  /**
   * Starts the configuration of an emulator.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Where the emulator listens, {@code http://127.0.0.1:<port>}; the API paths start with {@code
   * /api/v2/}.
   *
   * @return the base URI
   */
  public URI baseUri() {
    return baseUri;
  }

  /**
   * The token endpoint, {@code http://127.0.0.1:<port>/oauth/token}, for {@code
   * GenesysTokenProvider.Builder#tokenUri(URI)}.
   *
   * @return the token URI
   */
  public URI tokenUri() {
    return baseUri.resolve("/oauth/token");
  }

  /**
   * The port the emulator listens on.
   *
   * @return the port, never 0
   */
  public int port() {
    return server.port();
  }

  /**
   * Delays every reply, token and API alike, by {@code latency} from now on. Zero removes the
   * delay.
   *
   * @param latency a non-negative duration
   */
  public void latency(Duration latency) {
    Objects.requireNonNull(latency, "latency must not be null");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + latency);
    }
    faults.latency(latency);
  }

  /**
   * Makes the next {@code count} token requests answer {@code fault} instead of a token, before
   * their credentials are even checked. Calls add up: faults queued by successive calls are
   * answered in order.
   *
   * @param count how many requests fail, at least 1
   * @param fault the failure they answer; not {@link Fault#unauthorized()}, a fault of the API
   */
  public void failNextTokenRequests(int count, Fault fault) {
    Objects.requireNonNull(fault, "fault must not be null");
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    if (!fault.servesLogin()) {
      throw new IllegalArgumentException(fault + " is a fault of the API, not of the login service");
    }
    faults.failNext(count, fault);
  }

  /**
   * Makes the next {@code count} requests under {@code /api/v2/} answer {@code fault}, whatever
   * their token, before the token is even checked and without counting against its rate limit.
   * {@link Fault#unauthorized()} is a 401 that a new token does not cure (a client's second 401);
   * {@link Fault#tooManyRequests(Duration)} and {@link Fault#serviceUnavailable()} are a gateway's
   * 429 and 503. Calls add up, answered in order; {@link #clearFaults()} drops them.
   *
   * @param count how many requests fail, at least 1
   * @param fault {@code unauthorized}, {@code tooManyRequests} or {@code serviceUnavailable}
   */
  public void failNextApiRequests(int count, Fault fault) {
    Objects.requireNonNull(fault, "fault must not be null");
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    if (!fault.servesApi()) {
      throw new IllegalArgumentException(fault + " is a fault of the login service, not of the API");
    }
    faults.failNextApi(count, fault);
  }

  /**
   * Holds the replies to the next {@code count} API requests until the last of them has arrived,
   * then answers them all: a barrier that proves {@code count} concurrent requests were all in
   * flight together, for example that all of them carried one revoked token before any client saw
   * its 401. Held requests are judged (token, faults) when released, and hold no thread. Requests
   * after the {@code count}th pass as usual. A new call replaces the barrier, releasing what it
   * held; {@link #clearFaults()} and {@link #close()} release it too. If fewer than {@code count}
   * requests come, the held ones wait until then, so bound the test's wait.
   *
   * @param count how many requests to hold, at least 1
   */
  public void holdApiReplies(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    barrier.hold(count);
  }

  /**
   * The API requests the emulator has answered, oldest first: the last {@value
   * #API_CALL_LOG_CAPACITY} of them, so that a long run does not grow without end. Each holds the
   * {@code Authorization} header as sent, so <b>it holds bearer tokens</b>: a test tool, for
   * assertions such as "the replay carried a new token and the same body", not for logs.
   *
   * @return an immutable snapshot
   */
  public List<ApiCall> apiCalls() {
    return apiCallLog.snapshot();
  }

  /**
   * Takes the login service down from now, on the emulator's clock, for {@code duration}: every
   * token request answers HTTP 503. The API keeps working, as it does when only the login service
   * is out. A new call replaces the previous window.
   *
   * @param duration a positive duration
   */
  public void outage(Duration duration) {
    Objects.requireNonNull(duration, "duration must not be null");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("outage duration must be positive: " + duration);
    }
    var now = clock.instant();
    faults.outage(now, now.plus(duration));
  }

  private static String checkedId(String id) {
    Objects.requireNonNull(id, "client id must not be null");
    if (id.isBlank() || id.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          "client id must not be blank or contain ':' (Basic auth splits on it): '" + id + "'");
    }
    return id;
  }

  private static String checkedSecret(String secret) {
    Objects.requireNonNull(secret, "client secret must not be null");
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("client secret must not be empty");
    }
    return secret;
  }

  /**
   * Removes the latency, the queued token and API faults and the outage window, and releases the
   * replies held by {@link #holdApiReplies(int)}.
   */
  public void clearFaults() {
    faults.clear();
    barrier.release();
  }

  /**
   * Revokes every token issued so far, as if each had called {@code DELETE /api/v2/tokens/me}:
   * their next API request answers 401. Tokens issued later are valid.
   */
  public void revokeAllTokens() {
    store.revokeAll();
  }

  /**
   * Registers an OAuth client while the emulator runs, as creating one in the Genesys admin UI
   * does; its tokens live the builder's {@link Builder#tokenLifetime(Duration)}. The first step of
   * a rotation without downtime: the application moves to this client, then the old one is
   * disabled.
   *
   * @param id a client id not registered yet, without {@code :}
   * @param secret its secret
   */
  public void registerClient(String id, String secret) {
    RegisteredClient client =
        new RegisteredClient(checkedId(id), checkedSecret(secret), defaultTokenLifetime);
    if (clients.putIfAbsent(id, client) != null) {
      throw new IllegalArgumentException("client " + id + " is already registered");
    }
  }

  /**
   * Replaces a client's secret at once, as the Genesys secret reset does: from now on only {@code
   * newSecret} authenticates, with no overlap. Tokens issued before stay valid (nothing says the
   * real reset revokes them).
   *
   * @param id a registered client id
   * @param newSecret the new secret
   */
  public void resetSecret(String id, String newSecret) {
    String secret = checkedSecret(newSecret);
    if (clients.computeIfPresent(id, (key, client) -> client.withSecret(secret)) == null) {
      throw new IllegalArgumentException("no client " + id + " is registered");
    }
  }

  /**
   * Disables a client, as the Genesys admin UI does: its token requests answer {@code
   * invalid_client}, and every token it was issued is revoked at once (API calls get 401).
   *
   * @param id a registered client id
   */
  public void disableClient(String id) {
    if (clients.computeIfPresent(id, (key, client) -> client.disabled()) == null) {
      throw new IllegalArgumentException("no client " + id + " is registered");
    }
    store.revokeClient(id);
  }

  /**
   * How many tokens were issued to one client.
   *
   * @param id a client id
   * @return the count since start, 0 for an unknown id
   */
  public long tokensIssuedTo(String id) {
    AtomicLong issued = counters.issuedTo.get(id);
    return issued == null ? 0 : issued.get();
  }

  /**
   * How many token requests arrived, whatever they were answered, faults included.
   *
   * @return the count since start
   */
  public long tokenRequests() {
    return counters.tokenRequests.get();
  }

  /**
   * How many tokens were issued (token requests answered 200 with a token).
   *
   * @return the count since start
   */
  public long tokensIssued() {
    return counters.tokensIssued.get();
  }

  /**
   * How many requests arrived under {@code /api/v2/}, whatever they were answered.
   *
   * @return the count since start
   */
  public long apiRequests() {
    return counters.apiRequests.get();
  }

  /**
   * Stops listening and drops open connections, waiting at most 5 seconds. Idempotent.
   */
  @Override
  public void close() {
    barrier.release();
    closing.tryEmitEmpty();
    if (!server.isDisposed()) {
      server.disposeNow(CLOSE_TIMEOUT);
    }
  }

  /** The base URI and the counters. */
  @Override
  public String toString() {
    return "GenesysLoginEmulator[" + baseUri + ", tokenRequests=" + tokenRequests()
        + ", tokensIssued=" + tokensIssued() + ", apiRequests=" + apiRequests() + "]";
  }

  /** Routes a request, after stamping the correlation id and waiting out the latency. */
  private final class Dispatcher {
    private final LoginService login;
    private final ApiService api;

    Dispatcher(LoginService login, ApiService api) {
      this.login = login;
      this.api = api;
    }

    /**
     * A random version-4 UUID from {@code ThreadLocalRandom}: {@code UUID.randomUUID()} reads
     * {@code /dev/urandom}, a blocking call on the event loop, and an id need not be secret.
     */
    private String correlationId() {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      long high = (random.nextLong() & ~0xF000L) | 0x4000L;
      long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
      return new UUID(high, low).toString();
    }

    Mono<Void> dispatch(HttpServerRequest request, HttpServerResponse response) {
      response.header(Wire.CORRELATION_ID, correlationId());
      Mono<Void> handler = Mono.defer(() -> route(request, response));
      Duration latency = faults.latency();
      Mono<Void> delayed =
          latency.isZero() ? handler : Mono.delay(latency, Schedulers.parallel()).then(handler);
      // Counted on arrival, before the latency, so that the barrier sees requests as they come.
      return request.fullPath().startsWith("/api/v2/") ? barrier.arrive().then(delayed) : delayed;
    }

    private Mono<Void> route(HttpServerRequest request, HttpServerResponse response) {
      String path = request.fullPath();
      if (path.equals("/oauth/token")) {
        if (!"POST".equals(request.method().name())) {
          return Replies.json(
              response.header(Wire.ALLOW, "POST"),
              405,
              Wire.oauthError("invalid_request", "the token endpoint accepts POST only"));
        }
        return login.handle(request, response);
      }
      if (path.startsWith("/api/v2/")) {
        return api.handle(request, response);
      }
      return Replies.json(
          response,
          404,
          Wire.apiError("The emulator has no resource " + path, "not.found", 404));
    }
  }

  /**
   * Configures a {@link GenesysLoginEmulator}. Each setter checks its argument at once. Not
   * thread-safe.
   */
  public static final class Builder {

    /** 24 hours, the Genesys default for an OAuth client. */
    static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(86_400);
    /** {@code client.credentials.token.rate.per.minute}, 300 unless raised by Genesys support. */
    static final int DEFAULT_API_RATE_LIMIT = 300;

    private int port;
    private final Map<String, RegisteredClient> clients = new LinkedHashMap<>();
    private Duration tokenLifetime = DEFAULT_TOKEN_LIFETIME;
    private MintThrottle throttle = MintThrottle.unlimited();
    private int apiRateLimit = DEFAULT_API_RATE_LIMIT;
    private int invalidClientStatus = 400;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The port to listen on. The default, 0, takes a free port: read it back with {@link
     * GenesysLoginEmulator#port()}.
     *
     * @param port 0 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0 to 65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Registers an OAuth client whose tokens live {@link #tokenLifetime(Duration)}. Once any client
     * is registered, {@link GenesysLoginEmulator#DEFAULT_CLIENT_ID} is no longer accepted unless
     * registered too.
     *
     * @param id the client id
     * @param secret the client secret
     * @return this builder
     */
    public Builder client(String id, String secret) {
      return register(id, secret, null);
    }

    /**
     * Registers an OAuth client with a token lifetime of its own. Unlike the real service, which
     * allows 300 seconds at least, any whole number of seconds is accepted, so that tests and
     * demos can watch tokens expire.
     *
     * @param id the client id
     * @param secret the client secret
     * @param tokenLifetime a positive whole number of seconds
     * @return this builder
     */
    public Builder client(String id, String secret, Duration tokenLifetime) {
      return register(id, secret, requireLifetime(tokenLifetime));
    }

    /**
     * The lifetime of tokens of clients registered without one. The default is 86 400 seconds
     * (24 hours), the Genesys default.
     *
     * @param tokenLifetime a positive whole number of seconds
     * @return this builder
     */
    public Builder tokenLifetime(Duration tokenLifetime) {
      this.tokenLifetime = requireLifetime(tokenLifetime);
      return this;
    }

    /**
     * Throttles token creation: a client that has been issued {@code maxTokens} tokens within the
     * last {@code per} gets the Genesys throttle reply (HTTP 400, {@code invalid_request}, "rate
     * limit exceeded; ...") until the window moves on. Refused requests do not count. By default
     * there is no limit, since Genesys does not publish its own.
     *
     * @param maxTokens at least 1
     * @param per a positive window, on the emulator's clock
     * @return this builder
     */
    public Builder tokenRateLimit(int maxTokens, Duration per) {
      Objects.requireNonNull(per, "per must not be null");
      if (maxTokens < 1) {
        throw new IllegalArgumentException("maxTokens must be at least 1: " + maxTokens);
      }
      if (per.isNegative() || per.isZero()) {
        throw new IllegalArgumentException("per must be positive: " + per);
      }
      this.throttle = new MintThrottle(maxTokens, per);
      return this;
    }

    /**
     * How many API requests each token may make per minute before it is answered 429. The default
     * is 300, the Genesys default for client-credentials tokens.
     *
     * @param requestsPerMinute at least 1
     * @return this builder
     */
    public Builder apiRateLimit(int requestsPerMinute) {
      if (requestsPerMinute < 1) {
        throw new IllegalArgumentException(
            "apiRateLimit must be at least 1: " + requestsPerMinute);
      }
      this.apiRateLimit = requestsPerMinute;
      return this;
    }

    /**
     * The HTTP status of {@code invalid_client} replies. Genesys has not documented it; third
     * parties testing the live service saw 400 (docs/genesys-login.md, "Errors"), the default here.
     * 401, which RFC 6749 asks of a server when the client authenticated with the {@code
     * Authorization} header, is sent with {@code WWW-Authenticate: Basic}; clients should handle
     * either.
     *
     * @param status 400 or 401
     * @return this builder
     */
    public Builder invalidClientStatus(int status) {
      if (status != 400 && status != 401) {
        throw new IllegalArgumentException("invalidClientStatus must be 400 or 401: " + status);
      }
      this.invalidClientStatus = status;
      return this;
    }

    /**
     * The clock on which token expiry, throttle and rate-limit windows and outages are judged. The
     * default is {@link Clock#systemUTC()}; give one of your own to move the server's time, or to
     * make it disagree with the client's.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * Binds the port and starts serving.
     *
     * @return the running emulator; close it when done
     * @throws RuntimeException if the port cannot be bound
     */
    public GenesysLoginEmulator start() {
      return new GenesysLoginEmulator(this);
    }

    private Builder register(String id, String secret, Duration lifetime) {
      checkedId(id);
      checkedSecret(secret);
      if (clients.containsKey(id)) {
        throw new IllegalArgumentException("client " + id + " is already registered");
      }
      clients.put(id, new RegisteredClient(id, secret, lifetime));
      return this;
    }

    private static Duration requireLifetime(Duration lifetime) {
      Objects.requireNonNull(lifetime, "tokenLifetime must not be null");
      if (lifetime.isNegative() || lifetime.isZero() || lifetime.getNano() != 0) {
        throw new IllegalArgumentException(
            "tokenLifetime must be a positive whole number of seconds (expires_in is): "
                + lifetime);
      }
      return lifetime;
    }
  }
}
