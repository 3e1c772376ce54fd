package io.github.genesystokens;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.Exceptions;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The listeners of one provider, called in the order they were added. A listener that throws is
 * logged once at WARN, then ignored: an observer never breaks a caller or a fetch.
 *
 * <p>A provider without listeners has no {@code Listeners} at all (the cache holds {@code null}),
 * so its hot path pays one null check and nothing else.
 */
final class Listeners {

  private static final Logger log = Loggers.getLogger(Listeners.class);

  private final TokenListener[] listeners;
  private final AtomicBoolean[] warned;
  private final String name;

  private Listeners(List<TokenListener> listeners, String name) {
    this.listeners = listeners.toArray(new TokenListener[0]);
    this.warned = new AtomicBoolean[this.listeners.length];
    for (int i = 0; i < warned.length; i++) {
      warned[i] = new AtomicBoolean();
    }
    this.name = name;
  }

  /** The listeners, or {@code null} when there are none. */
  static Listeners of(List<TokenListener> listeners, String name) {
    return listeners.isEmpty() ? null : new Listeners(List.copyOf(listeners), name);
  }

  void cacheHit() {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].onCacheHit();
      } catch (Throwable e) {
        failed(i, "onCacheHit", e);
      }
    }
  }

  void invalidation(boolean accepted) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].onInvalidation(accepted);
      } catch (Throwable e) {
        failed(i, "onInvalidation", e);
      }
    }
  }

  void replay(boolean recovered) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].onReplay(recovered);
      } catch (Throwable e) {
        failed(i, "onReplay", e);
      }
    }
  }

  void closed() {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].onClosed();
      } catch (Throwable e) {
        failed(i, "onClosed", e);
      }
    }
  }

  /** The events of a fetch that may start; nothing is reported until {@link FetchEvents#start}. */
  FetchEvents newFetch(Clock clock) {
    return new FetchEvents(this, clock);
  }

  /** Tells every listener that a fetch started; returns what each wants to hear of it. */
  TokenListener.Fetch[] fetchStarted(TokenListener.Trigger trigger) {
    TokenListener.Fetch[] fetches = new TokenListener.Fetch[listeners.length];
    for (int i = 0; i < listeners.length; i++) {
      TokenListener.Fetch fetch = null;
      try {
        fetch = listeners[i].onFetchStarted(trigger);
      } catch (Throwable e) {
        failed(i, "onFetchStarted", e);
      }
      fetches[i] = fetch != null ? fetch : TokenListener.Fetch.NONE;
    }
    return fetches;
  }

  /** Logs the first failure of listener {@code i}; later ones only at DEBUG. */
  void failed(int i, String method, Throwable e) {
    Exceptions.throwIfJvmFatal(e);
    if (warned[i].compareAndSet(false, true)) {
      log.warn(
          "{}: token listener {} threw from {}; it is ignored, and its next failures are logged at"
              + " DEBUG only: {}",
          name,
          listeners[i].getClass().getName(),
          method,
          e.toString());
    } else if (log.isDebugEnabled()) {
      log.debug("{}: token listener {} threw from {}: {}", name, listeners[i].getClass().getName(), method, e.toString());
    }
  }
}
