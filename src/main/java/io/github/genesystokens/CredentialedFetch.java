package io.github.genesystokens;

import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * One fetch of the token cache: read the credentials, send the token request (each one observed
 * as an attempt of the fetch by its listeners), retry by the retry rules; and when the server answers {@code invalid_client}, read the credentials once more and,
 * if they changed, send the request again at once.
 *
 * <p>That last rule is what makes a rotated secret work without a restart or a failed call: the
 * source is read for every attempt, so a rotation that happened before the request is seen
 * anyway; one that happens while the request with the old secret is on its way (the secret was
 * reset, and the new one arrived in the source a moment later) costs a second request, inside the
 * same fetch, so the callers waiting for it see one token and no error. Credentials that did not
 * change leave the {@code invalid_client} error as it was, with its cooldown: a wrong secret is not
 * hammered.
 */
final class CredentialedFetch implements Supplier<Mono<IssuedToken>> {

  private static final Logger log = Loggers.getLogger(CredentialedFetch.class);

  private final Mono<ClientCredentials> credentials;
  private final TokenEndpoint endpoint;
  private final RetryRules rules;
  private final String name;

  /**
   * @param source where the credentials come from, subscribed once per attempt
   * @param name what logs call the provider (endpoint and source, no secret)
   */
  CredentialedFetch(
      Mono<ClientCredentials> source, TokenEndpoint endpoint, RetryRules rules, String name) {
    Objects.requireNonNull(source, "source");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.rules = Objects.requireNonNull(rules, "rules");
    this.name = Objects.requireNonNull(name, "name");
    String described = describe(source);
    this.credentials =
        source
            .onErrorMap(
                e -> !(e instanceof TokenException),
                e ->
                    new TokenException(
                        "credentials source " + described + " failed: " + e.getClass().getName(),
                        e,
                        false))
            .switchIfEmpty(
                Mono.error(
                    () ->
                        new TokenException(
                            "credentials source " + described + " completed without credentials",
                            null,
                            false)));
  }

  /**
   * What messages call a source: its paths for files, else its {@code Mono.name(...)}, else the
   * last operator (such as {@code 'peek'}), which is all a {@code Mono} says of itself.
   */
  static String describe(Mono<ClientCredentials> source) {
    if (source instanceof ClientCredentials.FileSource) {
      return source.toString();
    }
    return "'" + Scannable.from(source).name() + "'";
  }

  @Override
  public Mono<IssuedToken> get() {
    return credentials
        .flatMap(
            used ->
                FetchEvents.eachAttempt(endpoint.requestToken(used))
                    .onErrorResume(
                        CredentialedFetch::isInvalidClient,
                        e -> againIfChanged(used, (TokenException) e)))
        .retryWhen(rules.retry(name));
  }

  private Mono<IssuedToken> againIfChanged(ClientCredentials used, TokenException rejected) {
    return credentials
        // The rejection is the news; a source that cannot be read now only adds to it.
        .onErrorMap(
            unreadable ->
                Failures.withNote(
                    rejected,
                    "reading the credentials again failed: " + unreadable.getMessage(),
                    rejected.isRetryable()))
        .flatMap(
        current -> {
          if (current.equals(used)) {
            return Mono.error(rejected);
          }
          log.info(
              "{}: invalid_client for client {}, and the credentials source now gives other"
                  + " credentials (client {}); sending the request again with them",
              name,
              used.clientId(),
              current.clientId());
          return FetchEvents.eachAttempt(endpoint.requestToken(current));
        });
  }

  private static boolean isInvalidClient(Throwable e) {
    return e instanceof TokenEndpointException
        && "invalid_client".equals(((TokenEndpointException) e).error());
  }
}
