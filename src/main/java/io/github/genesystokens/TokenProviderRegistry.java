package io.github.genesystokens;

import java.net.URI;
import java.util.Comparator;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * One {@link TokenProvider} per OAuth client, for applications that serve many Genesys Cloud
 * organisations, each with its own client and region.
 *
 * <pre>{@code
 * TokenProviderRegistry registry = TokenProviderRegistry.builder(key -> vault.secretOf(key.clientId()))
 *     .httpClient(sharedHttpClient)
 *     .providerSettings(b -> b.requestTimeout(Duration.ofSeconds(5)))
 *     .maxProviders(500)
 *     .build();
 *
 * Mono<AccessToken> token =
 *     registry.provider(TokenProviderRegistry.Key.of(GenesysRegion.EU_WEST_1, clientId)).token();
 * }</pre>
 *
 * <p><b>Keys.</b> A provider is kept per {@link Key}: token endpoint, client id and scope set. A
 * caller that asks for other scopes gets another provider and another token, never one issued for
 * different scopes.
 *
 * <p><b>Credentials that change.</b> A key may name a credentials source instead of a client id
 * ({@link Key#of(URI, Mono, String...)}), for clients whose secret rotates while the application
 * runs: the registry cannot know the client id before reading the source, so such a provider is
 * kept per token endpoint, source (the same {@code Mono} instance) and scope set, and the secret
 * lookup is not used for it. The provider reads the source for each token request, as {@link
 * GenesysTokenProvider.Builder#credentials(Mono)} says. A registry of such keys only may be built
 * with {@link #builder()}.
 *
 * <p><b>Creation.</b> Providers are created on first use of their key, from the shared {@code
 * HttpClient} and the shared settings. Concurrent first uses of one key create one provider, and
 * therefore one token request. The secret lookup runs then, once per creation, on the caller's
 * thread, while other first uses of the same key wait: it must be quick and must not block (a map
 * of secrets already in memory, not a call to a vault).
 *
 * <p><b>Bound.</b> At most {@code maxProviders} are kept; creating one more closes the one used
 * least recently. A provider obtained from {@link #provider(Key)} survives that: it looks up the
 * current provider of its key on each use and recreates it if needed, so it may be kept.
 *
 * <p>Thread-safe. {@link #close()} closes every provider; it never closes the shared {@code
 * HttpClient}.
 */
public final class TokenProviderRegistry implements AutoCloseable {

  private static final Logger log = Loggers.getLogger(TokenProviderRegistry.class);

  /** Far above the orgs a partner app serves at once, far below what would exhaust memory. */
  static final int DEFAULT_MAX_PROVIDERS = 1000;

  private final Function<Key, String> secrets;
  private final Consumer<GenesysTokenProvider.Builder> settings;
  private final Function<Key, TokenListener> listeners;
  private final HttpClient httpClient;
  private final int maxProviders;

  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
  /** A logical clock for "least recently used": immune to wall-clock jumps, cheap to read. */
  private final AtomicLong uses = new AtomicLong();

  private final Object evictionLock = new Object();
  private volatile boolean closed;

  private TokenProviderRegistry(Builder builder) {
    this.secrets = builder.secrets;
    this.settings = builder.settings;
    this.listeners = builder.listeners;
    this.httpClient = builder.httpClient;
    this.maxProviders = builder.maxProviders;
  }

  /**
   * Starts the configuration of a registry.
   *
   * @param secrets returns the client secret of a key; called once each time a provider is
   *     created, must be quick and must not block, must not return {@code null}
   * @return a new builder
   */
  public static Builder builder(Function<Key, String> secrets) {
    return new Builder(secrets);
  }

  /**
   * Starts the configuration of a registry without a secret lookup, for keys that carry their
   * credentials source ({@link Key#of(URI, Mono, String...)}); a key with a client id is then
   * refused with an {@link IllegalArgumentException}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder(
        key -> {
          throw new IllegalArgumentException(
              "this registry was built without a secret lookup, so it cannot create a provider for "
                  + key
                  + "; use TokenProviderRegistry.builder(secrets) or a key with a credentials source");
        });
  }

  /**
   * The provider of an OAuth client, created if this is the key's first use. The result may be
   * kept: it always uses the key's current provider, even after an eviction. Its {@code close()}
   * evicts the key (the next use creates a new provider, with a fresh secret lookup), which is how
   * to apply a rotated secret.
   *
   * @param key the token endpoint, client id and scopes
   * @return the key's provider
   * @throws TokenException if the registry is closed
   * @throws IllegalArgumentException if the secret lookup returns nothing, or the shared settings
   *     contradict the key
   */
  public TokenProvider provider(Key key) {
    Objects.requireNonNull(key, "key must not be null");
    acquire(key);
    return new KeyedProvider(key);
  }

  /**
   * Closes and forgets the provider of a key, if there is one. The next use of the key creates a
   * new provider and looks its secret up again.
   *
   * @param key the key to evict
   */
  public void evict(Key key) {
    Entry entry = entries.get(Objects.requireNonNull(key, "key must not be null"));
    if (entry != null) {
      evict(entry, "evicted");
    }
  }

  /**
   * How many providers are kept now.
   *
   * @return the number of providers
   */
  public int size() {
    return entries.size();
  }

  /** Closes every provider; later uses fail with a {@link TokenException}. Idempotent. */
  @Override
  public void close() {
    closed = true;
    entries.values().forEach(entry -> evict(entry, "registry closed"));
  }

  /** The bound and the number of providers; never a secret. */
  @Override
  public String toString() {
    return "TokenProviderRegistry[providers=" + entries.size() + ", maxProviders=" + maxProviders + "]";
  }

  /** The key's current provider, created if missing, marked as just used. */
  Entry acquire(Key key) {
    if (closed) {
      throw new TokenException("token provider registry is closed");
    }
    boolean[] created = {false};
    Entry entry =
        entries.computeIfAbsent(
            key,
            k -> {
              created[0] = true;
              return new Entry(k, create(k));
            });
    entry.lastUse = uses.incrementAndGet();
    if (closed) {
      // close() may have swept the map before this entry was added: do not leak it.
      evict(entry, "registry closed");
      throw new TokenException("token provider registry is closed");
    }
    if (created[0]) {
      log.debug("created a token provider for {}", key);
      trim();
    }
    return entry;
  }

  private TokenProvider create(Key key) {
    GenesysTokenProvider.Builder builder = GenesysTokenProvider.builder();
    settings.accept(builder);
    if (key.credentials() != null) {
      builder.credentials(key.credentials());
    } else {
      String secret = secrets.apply(key);
      if (secret == null) {
        throw new IllegalArgumentException("the secret lookup returned null for " + key);
      }
      builder.clientId(key.clientId()).clientSecret(secret);
    }
    if (listeners != null) {
      TokenListener listener = listeners.apply(key);
      if (listener != null) {
        builder.listener(listener);
      }
    }
    return builder
        .tokenUri(key.tokenUri())
        .scopes(key.scopes().stream().sorted().toArray(String[]::new))
        .httpClient(httpClient)
        .build();
  }

  /** Closes the least recently used providers until at most {@code maxProviders} remain. */
  private void trim() {
    // One trimmer at a time, or two threads could each evict a provider for one newcomer.
    synchronized (evictionLock) {
      while (entries.size() > maxProviders) {
        entries.values().stream()
            .min(Comparator.comparingLong(entry -> entry.lastUse))
            .ifPresent(
                oldest -> evict(oldest, "least recently used, over maxProviders " + maxProviders));
      }
    }
  }

  private void evict(Entry entry, String reason) {
    if (entries.remove(entry.key, entry)) {
      entry.evicted = true;
      entry.provider.close();
      log.debug("closed the token provider for {}: {}", entry.key, reason);
    }
  }

  /**
   * Identifies an OAuth client and the scopes its tokens are asked for. Two keys are equal when
   * they have the same token endpoint, client id (or the same credentials source instance) and
   * set of scopes (in any order).
   *
   * @param tokenUri the token endpoint ({@link GenesysRegion#tokenUri()} for a region)
   * @param clientId the OAuth client id, or {@code null} for a key with a credentials source
   * @param scopes the scopes to request; empty for none, the Genesys default
   * @param credentials the credentials source, or {@code null} for a key with a client id (whose
   *     secret the registry's lookup gives)
   */
  public record Key(
      URI tokenUri, String clientId, Set<String> scopes, Mono<ClientCredentials> credentials) {

    /** Checks the parts (a client id or a source, not both) and copies the scopes. */
    public Key {
      Objects.requireNonNull(scopes, "scopes must not be null");
      if ((clientId == null) == (credentials == null)) {
        throw new IllegalArgumentException(
            "a key has a clientId or a credentials source, exactly one");
      }
      if (clientId != null && clientId.isBlank()) {
        throw new IllegalArgumentException("clientId must not be blank");
      }
      Loopback.requireUsableTokenUri(tokenUri);
      scopes = Set.copyOf(scopes);
    }

    /**
     * A key with a client id, whose secret the registry's lookup gives.
     *
     * @param tokenUri the token endpoint
     * @param clientId the OAuth client id
     * @param scopes the scopes to request; empty for none
     */
    public Key(URI tokenUri, String clientId, Set<String> scopes) {
      this(tokenUri, Objects.requireNonNull(clientId, "clientId must not be null"), scopes, null);
    }

    /**
     * A client whose credentials come from a source and may change, at any token endpoint. Keep
     * the source in one place (a field): keys are equal only for the same {@code Mono} instance.
     *
     * @param tokenUri the token endpoint, {@code https} or {@code http} to a loopback host ({@link
     *     GenesysRegion#tokenUri()} for a region)
     * @param credentials the source, read for each token request
     * @param scopes the scopes to request, none for the Genesys default
     * @return the key
     */
    public static Key of(URI tokenUri, Mono<ClientCredentials> credentials, String... scopes) {
      return new Key(
          tokenUri,
          null,
          Set.of(scopes),
          Objects.requireNonNull(credentials, "credentials must not be null"));
    }

    /** The endpoint, the client id or the source, and the scopes; never a secret. */
    @Override
    public String toString() {
      return "Key[tokenUri="
          + tokenUri
          + (clientId != null
              ? ", clientId=" + clientId
              : ", credentials=" + CredentialedFetch.describe(credentials))
          + ", scopes="
          + scopes
          + "]";
    }

    /**
     * A client of a Genesys Cloud region.
     *
     * @param region the org's region
     * @param clientId the OAuth client id
     * @param scopes the scopes to request, none for the Genesys default
     * @return the key
     */
    public static Key of(GenesysRegion region, String clientId, String... scopes) {
      Objects.requireNonNull(region, "region must not be null");
      return new Key(region.tokenUri(), clientId, Set.of(scopes));
    }

    /**
     * A client of another token endpoint (a gateway, an emulator).
     *
     * @param tokenUri the token endpoint, {@code https} or {@code http} to a loopback host
     * @param clientId the OAuth client id
     * @param scopes the scopes to request, none for the Genesys default
     * @return the key
     */
    public static Key of(URI tokenUri, String clientId, String... scopes) {
      return new Key(tokenUri, clientId, Set.of(scopes));
    }
  }

  /** Configures a {@link TokenProviderRegistry}. Not thread-safe. */
  public static final class Builder {

    private final Function<Key, String> secrets;
    private Consumer<GenesysTokenProvider.Builder> settings = b -> {};
    private Function<Key, TokenListener> listeners;
    private HttpClient httpClient;
    private int maxProviders = DEFAULT_MAX_PROVIDERS;

    private Builder(Function<Key, String> secrets) {
      this.secrets = Objects.requireNonNull(secrets, "secrets must not be null");
    }

    /**
     * The Reactor Netty client every provider sends its token requests through, so that hundreds
     * of providers share one connection pool. The registry never closes it. By default, {@code
     * HttpClient.create()}: Reactor Netty's global pool.
     *
     * @param httpClient the shared client
     * @return this builder
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient must not be null");
      return this;
    }

    /**
     * Settings applied to the builder of every provider (timeouts, refresh timing, retries,
     * clock). The registry then sets the client id, secret, token endpoint, scopes and {@code
     * HttpClient} itself, so this must not set {@code region}. By default, the builder's defaults.
     *
     * @param settings applied once per provider created
     * @return this builder
     */
    public Builder providerSettings(Consumer<GenesysTokenProvider.Builder> settings) {
      this.settings = Objects.requireNonNull(settings, "providerSettings must not be null");
      return this;
    }

    /**
     * A listener of its own for each provider, made from its key when the provider is created: for
     * metrics per organisation, such as {@code key -> GenesysTokenMetrics.builder()
     * .meterRegistry(r).name(orgLabel(key)).build()}. Each key then has its own series, which a
     * registry of thousands of organisations may not want: one listener shared by every provider
     * ({@code providerSettings(b -> b.listener(shared))}) keeps one. By default, none.
     *
     * @param listeners returns the listener of a key's provider, or {@code null} for none; must be
     *     quick and must not block
     * @return this builder
     */
    public Builder listenerPerProvider(Function<Key, TokenListener> listeners) {
      this.listeners = Objects.requireNonNull(listeners, "listenerPerProvider must not be null");
      return this;
    }

    /**
     * How many providers are kept; creating one more closes the least recently used. The default
     * is 1000.
     *
     * @param maxProviders a positive count
     * @return this builder
     */
    public Builder maxProviders(int maxProviders) {
      if (maxProviders < 1) {
        throw new IllegalArgumentException("maxProviders must be positive: " + maxProviders);
      }
      this.maxProviders = maxProviders;
      return this;
    }

    /**
     * Creates the registry. No provider is created until its key is first used.
     *
     * @return a new registry
     */
    public TokenProviderRegistry build() {
      if (httpClient == null) {
        httpClient = HttpClient.create();
      }
      return new TokenProviderRegistry(this);
    }
  }

  /** A provider and when it was last used. */
  static final class Entry {
    final Key key;
    final TokenProvider provider;
    volatile long lastUse;
    volatile boolean evicted;

    Entry(Key key, TokenProvider provider) {
      this.key = key;
      this.provider = provider;
    }
  }

  /** What {@link #provider(Key)} hands out: the key's current provider, whichever that is. */
  private final class KeyedProvider implements TokenProvider {

    private final Key key;

    KeyedProvider(Key key) {
      this.key = key;
    }

    @Override
    public Mono<AccessToken> token() {
      return Mono.defer(
          () -> {
            Entry entry = acquire(key);
            return entry
                .provider
                .token()
                // Evicted while this caller waited (the registry is over its bound): the closed
                // provider's error is not the caller's problem; ask the key's new provider, once.
                .onErrorResume(
                    TokenException.class,
                    e -> entry.evicted && !closed ? Mono.defer(() -> acquire(key).provider.token()) : Mono.error(e));
          });
    }

    @Override
    public void invalidate(AccessToken rejected) {
      Entry entry = entries.get(key);
      if (entry != null) {
        entry.provider.invalidate(rejected);
      }
    }

    /** The key's current provider's status; {@link TokenStatus.Phase#EMPTY} when it has none. */
    @Override
    public TokenStatus status() {
      if (closed) {
        return new TokenStatus(TokenStatus.Phase.CLOSED, null, false, null, null, null);
      }
      Entry entry = entries.get(key);
      return entry != null
          ? entry.provider.status()
          : new TokenStatus(TokenStatus.Phase.EMPTY, null, false, null, null, null);
    }

    @Override
    public void reportReplay(boolean recovered) {
      Entry entry = entries.get(key);
      if (entry != null) {
        entry.provider.reportReplay(recovered);
      }
    }

    @Override
    public void close() {
      evict(key);
    }

    @Override
    public String toString() {
      Entry entry = entries.get(key);
      return "TokenProviderRegistry provider of " + key + ": " + (entry == null ? "evicted" : entry.provider);
    }
  }
}
