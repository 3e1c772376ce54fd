package io.github.genesystokens;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Up to {@code maxSize} tokens of one OAuth client, for a load beyond one token's API rate limit
 * ({@link GenesysTokenProvider.Builder#poolSize(int)}).
 *
 * <p>Each slot is a {@link TokenCache} of its own (single-flight, refresh-ahead, cooldown,
 * compare-and-invalidate), sharing the endpoint, credentials, retry rules, scheduler and listeners
 * with the others. A slot is created only when the ones before it near their limit.
 *
 * <p>{@link #token()} counts every token it hands out as one API request, per slot over a sliding
 * minute ({@link RequestWindow}), and hands out the ready token with the fewest requests, which is
 * the one with the most headroom. A new slot is minted when that token has reached {@code growAt}
 * (80 % of the limit), at most one mint at a time and at most one per {@link #MINT_INTERVAL}, so a
 * pool alone never mints a burst of tokens (docs/genesys-login.md, "Throttling": about 50 at once
 * trips the login service's throttle, 10 are fine).
 *
 * <p>No lock: slots are published in an {@link AtomicReferenceArray} before the size that makes
 * them visible, and the mint decision is a try-once flag (a caller that loses it just serves).
 */
final class TokenPool implements TokenProvider {

  private static final Logger log = Loggers.getLogger(TokenPool.class);

  /** The shortest time between the starts of two mints of one pool. */
  static final Duration MINT_INTERVAL = Duration.ofSeconds(1);

  /** The share of the limit at which the next token is minted. */
  static final double GROW_AT = 0.8;

  /** The least time a rate-limited token is set aside when the API gave no usable Retry-After. */
  static final Duration MIN_SATURATION = Duration.ofSeconds(1);

  private final SlotCaches caches;
  private final int maxSize;
  private final int limit;
  private final long growAt;
  private final Clock clock;
  private final String client;
  private final URI tokenUri;
  private final Runnable release;

  private final AtomicReferenceArray<Slot> slots;
  private volatile int size;
  private final AtomicBoolean growing = new AtomicBoolean();
  private final AtomicReference<Slot> minting = new AtomicReference<>();
  /** When the last mint started, epoch millis; far enough in the past that subtracting it cannot overflow. */
  private volatile long lastMintAt = Long.MIN_VALUE / 4;
  private volatile boolean closed;

  private final Mono<AccessToken> token = Mono.defer(this::select);

  /**
   * @param caches makes the cache of a new slot, given the consumer to tell of every token its
   *     fetches obtain (before the cache serves it)
   * @param release releases what the builder created (the connection pool), once, on close
   */
  TokenPool(
      SlotCaches caches,
      int maxSize,
      int limit,
      Clock clock,
      String client,
      URI tokenUri,
      Runnable release) {
    this.caches = Objects.requireNonNull(caches, "caches");
    this.maxSize = maxSize;
    this.limit = limit;
    this.growAt = Math.max(1, (long) Math.ceil(limit * GROW_AT));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.client = client;
    this.tokenUri = tokenUri;
    this.release = Objects.requireNonNull(release, "release");
    this.slots = new AtomicReferenceArray<>(maxSize);
    // Slot 0 exists from the start (no request until the first token()), so that token() after
    // close() and status() always have a cache to ask.
    slots.set(0, new Slot(0, caches));
    size = 1;
  }

  @Override
  public Mono<AccessToken> token() {
    return token;
  }

  /**
   * The hot path: one clock read, one window read per slot, one count. Everything that is not a
   * ready token under {@code growAt} goes to {@link #slowSelect}.
   */
  private Mono<AccessToken> select() {
    long now = clock.millis();
    long second = Math.floorDiv(now, 1000L);
    int n = size;
    Slot best = null;
    long bestCount = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      Slot s = slots.get(i);
      if (s.current.get() != null && s.saturatedUntil <= now) {
        long c = s.window.count(second);
        if (c < bestCount) {
          best = s;
          bestCount = c;
        }
      }
    }
    if (best == null || bestCount >= growAt) {
      best = slowSelect(now, best, bestCount);
    }
    best.window.record(second);
    return best.cache.token();
  }

  /**
   * No ready token under {@code growAt}: mint the next one if the pacing allows, then prefer a
   * ready token under the limit, then the token being minted (its callers wait for it, as for a
   * single provider's first token), then a token over the limit (the API will say), then the one
   * rate-limited the shortest, else (no slot holds a token) slot 0, the first slot without a
   * token, whose cache fetches or repeats its failure during its cooldown.
   */
  private Slot slowSelect(long now, Slot best, long bestCount) {
    maybeGrow(now);
    if (best != null && bestCount < limit) {
      return best;
    }
    Slot inFlight = mintInFlight();
    if (inFlight != null) {
      return inFlight;
    }
    if (best != null) {
      return best;
    }
    int n = size;
    Slot soonest = null;
    for (int i = 0; i < n; i++) {
      Slot s = slots.get(i);
      if (s.current.get() != null
          && (soonest == null || s.saturatedUntil < soonest.saturatedUntil)) {
        soonest = s;
      }
    }
    return soonest != null ? soonest : slots.get(0);
  }

  /**
   * Starts minting a slot without a token (one whose mint failed, or was invalidated and not yet
   * renewed), else a new slot if the pool is not full: only one mint at a time, and only {@link
   * #MINT_INTERVAL} after the last one started.
   *
   * @return whether a mint is under way now
   */
  private boolean maybeGrow(long now) {
    // One check, under the try-once flag: a caller that loses the flag (another is deciding)
    // only reports whether a mint is under way, and serves.
    boolean deciding = growing.compareAndSet(false, true);
    Slot target;
    try {
      Slot inFlight = mintInFlight();
      if (!deciding || inFlight != null || closed || now - lastMintAt < MINT_INTERVAL.toMillis()) {
        return inFlight != null;
      }
      target = claimNextMint(now);
    } finally {
      if (deciding) {
        growing.set(false);
      }
    }
    if (target == null) {
      return false;
    }
    // The slot's own cache makes the request (single-flight with any caller of that slot); only
    // its end matters here, to allow the next mint. It may end synchronously (a cooldown).
    target
        .cache
        .token()
        .subscribe(
            t -> minting.compareAndSet(target, null),
            e -> {
              minting.compareAndSet(target, null);
              log.debug("{}: pooled token {} not obtained: {}", client, target.index + 1, e.toString());
            });
    return true;
  }

  /**
   * Under the flag: the slot to mint, the first without a token or else a new one, marked as
   * being minted; null when the pool is full, or was closed while the new slot was made.
   */
  private Slot claimNextMint(long now) {
    int n = size;
    Slot target = null;
    for (int i = 0; i < n && target == null; i++) {
      Slot s = slots.get(i);
      if (s.current.get() == null) {
        target = s;
      }
    }
    if (target == null) {
      if (n >= maxSize) {
        return null;
      }
      target = new Slot(n, caches);
      slots.set(n, target);
      size = n + 1;
      log.debug("{}: pooled token {} of at most {} requested", client, n + 1, maxSize);
      if (closed) {
        // close() ran after maybeGrow's check and saw the old size: this slot is ours to close.
        target.cache.close();
        return null;
      }
    }
    lastMintAt = now;
    minting.set(target);
    return target;
  }

  /**
   * The slot being minted, or null. A mint is over when its slot holds a token (checked here, as
   * the mint's own subscriber may be told after the callers that waited for the same token) or
   * when it failed (its subscriber clears it).
   */
  private Slot mintInFlight() {
    Slot inFlight = minting.get();
    if (inFlight != null && inFlight.current.get() != null) {
      minting.compareAndSet(inFlight, null);
      return null;
    }
    return inFlight;
  }

  @Override
  public void invalidate(AccessToken rejected) {
    Objects.requireNonNull(rejected, "rejected token must not be null");
    Slot slot = slotOf(rejected);
    if (slot == null) {
      // Not a token a slot holds now (already replaced): a no-op, which the listeners hear of once.
      slots.get(0).cache.invalidate(rejected);
      return;
    }
    // The slot is not served until its new token arrives; the others serve meanwhile.
    slot.current.compareAndSet(rejected, null);
    slot.cache.invalidate(rejected);
    if (!closed) {
      // A fetch now, not on the slot's next use. If the cache held another token (a newer one),
      // it is served at once and the slot is ready again.
      slot.cache.token().subscribe(t -> slot.current.compareAndSet(null, t), e -> {});
    }
  }

  @Override
  public boolean reportRateLimited(AccessToken limited, Duration retryAfter) {
    Objects.requireNonNull(limited, "limited token must not be null");
    Objects.requireNonNull(retryAfter, "retryAfter must not be null");
    long now = clock.millis();
    Slot slot = slotOf(limited);
    if (slot != null) {
      long wait =
          Math.max(MIN_SATURATION.toMillis(), retryAfter.isNegative() ? 0 : saturatingMillis(retryAfter));
      slot.saturatedUntil = saturatingAdd(now, wait);
      log.debug(
          "{}: pooled token {} rate-limited by the API for {} ms", client, slot.index + 1, wait);
    }
    if (closed) {
      return false;
    }
    long second = Math.floorDiv(now, 1000L);
    int n = size;
    for (int i = 0; i < n; i++) {
      Slot s = slots.get(i);
      if (s != slot
          && s.current.get() != null
          && s.saturatedUntil <= now
          && s.window.count(second) < limit) {
        return true;
      }
    }
    return maybeGrow(now);
  }

  private Slot slotOf(AccessToken token) {
    int n = size;
    for (int i = 0; i < n; i++) {
      Slot s = slots.get(i);
      if (token.equals(s.current.get())) {
        return s;
      }
    }
    return null;
  }

  /** The state of the first slot holding a usable token, else of the first slot. */
  @Override
  public TokenStatus status() {
    int n = size;
    for (int i = 0; i < n; i++) {
      TokenStatus status = slots.get(i).cache.status();
      if (status.phase() == TokenStatus.Phase.FRESH || status.phase() == TokenStatus.Phase.STALE) {
        return status;
      }
    }
    return slots.get(0).cache.status();
  }

  @Override
  public void reportReplay(boolean recovered) {
    // The slots share their listeners: telling one tells them all, once.
    slots.get(0).cache.replayed(recovered);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    int n = size;
    for (int i = 0; i < n; i++) {
      slots.get(i).cache.close();
    }
    release.run();
  }

  /** The client, the endpoint and each slot's state and count; never a secret or a token. */
  @Override
  public String toString() {
    long now = clock.millis();
    long second = Math.floorDiv(now, 1000L);
    StringBuilder s =
        new StringBuilder("GenesysTokenProvider[")
            .append(client)
            .append(", tokenUri=")
            .append(tokenUri)
            .append(", pool of ")
            .append(size)
            .append(" of at most ")
            .append(maxSize)
            .append(" tokens, ")
            .append(limit)
            .append(" requests per token per minute");
    int n = size;
    for (int i = 0; i < n; i++) {
      Slot slot = slots.get(i);
      s.append(", token ")
          .append(i + 1)
          .append('=')
          .append(slot.cache.describe())
          .append(" (")
          .append(slot.window.count(second))
          .append(" in the last minute")
          .append(slot.saturatedUntil > now ? ", rate-limited" : "")
          .append(')');
    }
    return s.append(']').toString();
  }

  private static long saturatingMillis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  private static long saturatingAdd(long now, long wait) {
    try {
      return Math.addExact(now, wait);
    } catch (ArithmeticException beyondTheClock) {
      return Long.MAX_VALUE;
    }
  }

  /** Makes the cache of a new slot. */
  interface SlotCaches {
    /**
     * @param index the slot's index, from 0
     * @param issued to be told of every token the slot's fetches obtain, before its cache serves it
     */
    TokenCache make(int index, Consumer<AccessToken> issued);
  }

  /** One token of the pool: its cache, its request count and until when the API refuses it. */
  static final class Slot {
    final int index;
    final TokenCache cache;
    /**
     * The requests handed out with this slot's tokens. It is not emptied when the slot gets a new
     * token: the callers waiting for that token were counted before it arrived, and a renewed
     * slot that looks busier than it is for a minute errs on the safe side.
     */
    final RequestWindow window = new RequestWindow();
    /** The token this slot's fetches last obtained; null before the first and once invalidated. */
    final AtomicReference<AccessToken> current = new AtomicReference<>();
    /** Epoch millis before which the API refuses this token (HTTP 429); 0 when it does not. */
    volatile long saturatedUntil;

    /** @param caches makes the slot's cache, given where its fetches report each new token */
    Slot(int index, SlotCaches caches) {
      this.index = index;
      this.cache = caches.make(index, current::set);
    }
  }
}
