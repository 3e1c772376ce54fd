package io.github.genesystokens;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * An OAuth client id and its secret, as one immutable value. Two values are equal when both
 * parts are; {@link #toString()} shows the id only.
 *
 * <p>Give a provider a source of them, {@link GenesysTokenProvider.Builder#credentials(Mono)}, to
 * change them without a restart: the source is read for each token request, so a rotated secret
 * is used from the next request on.
 *
 * <pre>{@code
 * TokenProvider tokens = GenesysTokenProvider.builder()
 *     .credentials(ClientCredentials.fromFiles(
 *         Path.of("/etc/genesys/client-id"), Path.of("/etc/genesys/client-secret")))
 *     .region(GenesysRegion.EU_CENTRAL_1)
 *     .build();
 * }</pre>
 */
public final class ClientCredentials {

  private final String clientId;
  private final String clientSecret;

  private ClientCredentials(String clientId, String clientSecret) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
  }

  /**
   * A client id and secret.
   *
   * @param clientId the id of a client-credentials OAuth client, not blank
   * @param clientSecret its secret, not blank
   * @return the credentials
   * @throws IllegalArgumentException if a part is blank
   */
  public static ClientCredentials of(String clientId, String clientSecret) {
    Objects.requireNonNull(clientId, "clientId must not be null");
    Objects.requireNonNull(clientSecret, "clientSecret must not be null");
    if (clientId.isBlank()) {
      throw new IllegalArgumentException("clientId must not be blank");
    }
    if (clientSecret.isBlank()) {
      throw new IllegalArgumentException("clientSecret must not be blank");
    }
    return new ClientCredentials(clientId, clientSecret);
  }

  /**
   * A source that reads the id and the secret from two files each time it is subscribed, such as
   * a Kubernetes secret mounted as a volume (which the kubelet updates in place). Each file is
   * read as UTF-8 and trimmed of surrounding whitespace, so a trailing newline does not matter.
   * The reads block, so they run on {@link Schedulers#boundedElastic()}, never on an event loop.
   *
   * <p>A missing or unreadable file, or one that is empty once trimmed, fails the subscription
   * with a {@link TokenException} that names the file, never its content. The source's {@code
   * toString()} shows both paths.
   *
   * @param clientIdFile the file holding the client id
   * @param clientSecretFile the file holding the client secret
   * @return a source of credentials, read anew on each subscription
   */
  public static Mono<ClientCredentials> fromFiles(Path clientIdFile, Path clientSecretFile) {
    return new FileSource(
        Objects.requireNonNull(clientIdFile, "clientIdFile must not be null"),
        Objects.requireNonNull(clientSecretFile, "clientSecretFile must not be null"));
  }

  /**
   * The client id.
   *
   * @return the id, not blank
   */
  public String clientId() {
    return clientId;
  }

  /**
   * The client secret. Do not log it.
   *
   * @return the secret, not blank
   */
  public String clientSecret() {
    return clientSecret;
  }

  /** Equal when both the id and the secret are: a changed secret makes other credentials. */
  @Override
  public boolean equals(Object other) {
    return other instanceof ClientCredentials
        && ((ClientCredentials) other).clientId.equals(clientId)
        && ((ClientCredentials) other).clientSecret.equals(clientSecret);
  }

  @Override
  public int hashCode() {
    return 31 * clientId.hashCode() + clientSecret.hashCode();
  }

  /** The id, never the secret. */
  @Override
  public String toString() {
    return "ClientCredentials[clientId=" + clientId + ", clientSecret=<redacted>]";
  }

  /** {@link #fromFiles}: a source whose {@code toString()} says where it reads from. */
  static final class FileSource extends Mono<ClientCredentials> {
    private final Path clientIdFile;
    private final Path clientSecretFile;
    private final Mono<ClientCredentials> reads;

    FileSource(Path clientIdFile, Path clientSecretFile) {
      this.clientIdFile = clientIdFile;
      this.clientSecretFile = clientSecretFile;
      this.reads =
          Mono.fromCallable(
                  () -> new ClientCredentials(read(clientIdFile), read(clientSecretFile)))
              .subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public void subscribe(CoreSubscriber<? super ClientCredentials> actual) {
      reads.subscribe(actual);
    }

    private static String read(Path file) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException missing) {
        throw new TokenException("credentials file " + file + " does not exist", null, false);
      } catch (CharacterCodingException notUtf8) {
        throw new TokenException("credentials file " + file + " is not UTF-8 text", null, false);
      } catch (IOException unreadable) {
        // The exception's message is the path and the system's reason, never the content.
        throw new TokenException(
            "credentials file " + file + " could not be read: " + unreadable, null, false);
      }
      String trimmed = text.strip();
      if (trimmed.isEmpty()) {
        throw new TokenException("credentials file " + file + " is empty", null, false);
      }
      return trimmed;
    }

    @Override
    public String toString() {
      return "ClientCredentials.fromFiles(" + clientIdFile + ", " + clientSecretFile + ")";
    }
  }
}
