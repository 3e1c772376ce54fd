package io.github.genesystokens.emulator;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokens the emulator issued, and which of them are still accepted. Expiry is judged on the
 * emulator's clock, so a test can make it disagree with the client's.
 */
final class TokenStore {

  /** Why a bearer token is or is not accepted. */
  enum Verdict {
    VALID,
    UNKNOWN,
    EXPIRED,
    REVOKED
  }

  /** One issued token. Revocation is a flag, not a removal, so a revoked token stays known. */
  static final class Issued {
    final String clientId;
    final Instant expiresAt;
    /** The scopes the token request asked for; the emulator grants what is asked. */
    final Set<String> scopes;
    volatile boolean revoked;

    Issued(String clientId, Instant expiresAt, Set<String> scopes) {
      this.clientId = clientId;
      this.expiresAt = expiresAt;
      this.scopes = scopes;
    }
  }

  // Seeded once, on the thread that builds the emulator: the default SecureRandom reads
  // /dev/urandom on every call, a blocking read that must not happen on an event loop.
  private final SecureRandom random = seededRandom();

  private final Map<String, Issued> tokens = new ConcurrentHashMap<>();

  /** A new opaque token, 43 URL-safe characters of 256 random bits. */
  String issue(String clientId, Instant expiresAt) {
    return issue(clientId, expiresAt, Set.of());
  }

  /** A new opaque token, remembering the scopes it was requested with. */
  String issue(String clientId, Instant expiresAt, Set<String> scopes) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    tokens.put(token, new Issued(clientId, expiresAt, Set.copyOf(scopes)));
    return token;
  }

  private static SecureRandom seededRandom() {
    try {
      SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
      byte[] seed = new byte[32];
      new SecureRandom().nextBytes(seed);
      seeded.setSeed(seed);
      return seeded;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA1PRNG is part of every Java platform", e);
    }
  }

  Verdict check(String token, Instant now) {
    Issued issued = token == null ? null : tokens.get(token);
    if (issued == null) {
      return Verdict.UNKNOWN;
    }
    if (issued.revoked) {
      return Verdict.REVOKED;
    }
    return now.isBefore(issued.expiresAt) ? Verdict.VALID : Verdict.EXPIRED;
  }

  /** The client a known token was issued to. */
  String clientOf(String token) {
    Issued issued = token == null ? null : tokens.get(token);
    return issued == null ? null : issued.clientId;
  }

  /** The scopes a known token was requested with; empty for an unknown one. */
  Set<String> scopesOf(String token) {
    Issued issued = token == null ? null : tokens.get(token);
    return issued == null ? Set.of() : issued.scopes;
  }

  /** Revokes one token; an unknown one is ignored. */
  void revoke(String token) {
    Issued issued = tokens.get(token);
    if (issued != null) {
      issued.revoked = true;
    }
  }

  /** Revokes every token issued to one client, as disabling it does. */
  void revokeClient(String clientId) {
    tokens.values().stream()
        .filter(issued -> issued.clientId.equals(clientId))
        .forEach(issued -> issued.revoked = true);
  }

  void revokeAll() {
    tokens.values().forEach(issued -> issued.revoked = true);
  }
}
