package io.github.genesystokens.webclient;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.genesystokens.AccessToken;
import io.github.genesystokens.ClientCredentials;
import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.Poll;
import io.github.genesystokens.TokenEndpointException;
import io.github.genesystokens.TokenProvider;
import io.github.genesystokens.TestClock;
import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Credentials that change while the service runs, read from files as from a mounted Kubernetes
 * secret, against the emulator: the rotation without downtime of {@code docs/interop.md} (a second
 * OAuth client, the files switched, the first client disabled) under load through the WebClient
 * filter, and a secret reset in place.
 */
class CredentialRotationTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int CALLERS = 8;

  @TempDir Path dir;

  private Path idFile;
  private Path secretFile;
  private GenesysLoginEmulator emulator;
  private TokenProvider tokens;

  @BeforeEach
  void start() {
    idFile = dir.resolve("client-id");
    secretFile = dir.resolve("client-secret");
    mount("client-a", "secret-a");
  }

  @AfterEach
  void stop() {
    if (tokens != null) {
      tokens.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  /**
   * Writes both files, each replaced whole by a move, as the kubelet swaps a secret volume; a
   * trailing newline, as {@code kubectl create secret --from-file} often leaves.
   */
  private void mount(String id, String secret) {
    replace(idFile, id + "\n");
    replace(secretFile, secret + "\n");
  }

  private void replace(Path file, String content) {
    try {
      Path staged = Files.createTempFile(dir, "staged", ".tmp");
      Files.writeString(staged, content, StandardCharsets.UTF_8);
      Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aRotationToASecondClientUnderLoadFailsNoCall() {
    emulator =
        GenesysLoginEmulator.builder()
            .client("client-a", "secret-a")
            .apiRateLimit(1_000_000)
            .start();
    tokens =
        GenesysTokenProvider.builder()
            .credentials(ClientCredentials.fromFiles(idFile, secretFile))
            .tokenUri(emulator.tokenUri())
            .build();
    ConnectionProvider pool = ConnectionProvider.create("rotation-api", CALLERS);
    WebClient api =
        WebClient.builder()
            .clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool)))
            .baseUrl(emulator.baseUri().toString())
            .filter(BearerTokenFilter.of(tokens))
            .build();

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong failed = new AtomicLong();
    Map<String, AtomicLong> answeredAs = new ConcurrentHashMap<>();
    Mono<Void> oneCall =
        api.get()
            .uri("/api/v2/users/me")
            .retrieve()
            .bodyToMono(String.class)
            .doOnNext(
                body ->
                    answeredAs
                        .computeIfAbsent(
                            body.contains("emulator-user-client-b") ? "client-b" : "client-a",
                            k -> new AtomicLong())
                        .incrementAndGet())
            .onErrorResume(
                e -> {
                  failed.incrementAndGet();
                  return Mono.empty();
                })
            .then();
    Mono<Void> load =
        Flux.range(0, CALLERS)
            .flatMap(caller -> oneCall.repeat(running::get), CALLERS)
            .then()
            .cache();
    load.subscribe();
    try {
      // 1. The service runs on client A.
      Poll.until(() -> count(answeredAs, "client-a"), n -> n >= 300, WAIT);
      // 2. A second OAuth client is created, and the mounted files switched to it. Nothing is
      // requested yet: the token of A is still good.
      emulator.registerClient("client-b", "secret-b");
      mount("client-b", "secret-b");
      long onA = count(answeredAs, "client-a");
      Poll.until(() -> count(answeredAs, "client-a"), n -> n >= onA + 300, WAIT);
      assertThat(emulator.tokenRequests()).isEqualTo(1);
      // 3. The first client is disabled: its token is revoked, the calls get 401, the filter
      // drops the token, and the one token request that follows reads the files: client B.
      emulator.disableClient("client-a");
      Poll.until(() -> count(answeredAs, "client-b"), n -> n >= 300, WAIT);
    } finally {
      running.set(false);
      load.block(WAIT);
      pool.disposeLater().block(WAIT);
    }

    long calls = count(answeredAs, "client-a") + count(answeredAs, "client-b") + failed.get();
    long rejected = emulator.apiRequests() - (calls - failed.get());
    System.out.printf(
        "rotation under load: %d calls by %d callers, %d failed, %d on client A, %d on client B,"
            + " %d token requests (A %d, B %d), %d API requests answered 401 and retried%n",
        calls,
        CALLERS,
        failed.get(),
        count(answeredAs, "client-a"),
        count(answeredAs, "client-b"),
        emulator.tokenRequests(),
        emulator.tokensIssuedTo("client-a"),
        emulator.tokensIssuedTo("client-b"),
        rejected);
    assertThat(failed.get()).isZero();
    assertThat(emulator.tokenRequests()).isEqualTo(2);
    assertThat(emulator.tokensIssuedTo("client-a")).isEqualTo(1);
    assertThat(emulator.tokensIssuedTo("client-b")).isEqualTo(1);
    // Only calls in flight with A's token when it was revoked, at most one per caller and the
    // ones that picked it up in the same instant, are answered 401 and sent again.
    assertThat(rejected).isBetween(1L, 2L * CALLERS);
  }

  private static long count(Map<String, AtomicLong> counts, String key) {
    AtomicLong n = counts.get(key);
    return n == null ? 0 : n.get();
  }

  @Test
  void theSecretFileChangedWhileRunningIsUsedByTheNextTokenRequest() {
    emulator = GenesysLoginEmulator.builder().client("client-a", "secret-a").start();
    tokens =
        GenesysTokenProvider.builder()
            .credentials(ClientCredentials.fromFiles(idFile, secretFile))
            .tokenUri(emulator.tokenUri())
            .build();
    AccessToken first = tokens.token().block(WAIT);

    emulator.resetSecret("client-a", "secret-a2");
    mount("client-a", "secret-a2");
    assertThat(tokens.token().block(WAIT)).isSameAs(first); // no request while the token is good
    tokens.invalidate(first);
    AccessToken second = tokens.token().block(WAIT);

    assertThat(second.value()).isNotEqualTo(first.value());
    assertThat(emulator.tokenRequests()).isEqualTo(2);
    assertThat(emulator.tokensIssuedTo("client-a")).isEqualTo(2);
  }

  /**
   * The secret is reset while the request with the old one is on its way, and the file is updated
   * a moment later: {@code invalid_client}, the files are read again and give the new secret, the
   * request is sent again at once. One background refresh, two token requests, and the callers
   * are served the cached token throughout.
   */
  @Test
  void aSecretResetInPlaceCostsOneMoreRequestInsideTheSameRefreshAndNoError() {
    emulator =
        GenesysLoginEmulator.builder()
            .client("client-a", "secret-a", Duration.ofSeconds(3600))
            .start();
    AtomicInteger reads = new AtomicInteger();
    Mono<ClientCredentials> source =
        ClientCredentials.fromFiles(idFile, secretFile)
            .doOnNext(
                read -> {
                  // Read 2 is the one of the refresh: the operator updates the file just after.
                  if (reads.incrementAndGet() == 2) {
                    mount("client-a", "secret-a2");
                  }
                });
    VirtualTimeScheduler time = VirtualTimeScheduler.create();
    try {
      tokens =
          GenesysTokenProvider.builder()
              .credentials(source)
              .tokenUri(emulator.tokenUri())
              .clock(TestClock.following(time))
              .scheduler(time)
              .build();
      AccessToken first = tokens.token().block(WAIT);
      emulator.resetSecret("client-a", "secret-a2");
      emulator.latency(Duration.ofMillis(300));

      // Into the refresh-ahead window (the last 5 minutes): the timer starts the refresh.
      time.advanceTimeBy(Duration.ofSeconds(3600 - 300 + 1));
      assertThat(tokens.token().block(WAIT)).isSameAs(first); // served while the refresh runs
      AccessToken second =
          Poll.until(() -> tokens.token().block(WAIT), t -> t != first, WAIT);

      assertThat(second.value()).isNotEqualTo(first.value());
      assertThat(reads.get()).isEqualTo(3);
      assertThat(emulator.tokenRequests()).isEqualTo(3); // first, old secret refused, new one
      assertThat(emulator.tokensIssuedTo("client-a")).isEqualTo(2);
    } finally {
      time.dispose();
    }
  }

  @Test
  void aResetSecretThatTheFilesDoNotHaveYetLeavesTheErrorAsItIs() {
    emulator = GenesysLoginEmulator.builder().client("client-a", "secret-a").start();
    tokens =
        GenesysTokenProvider.builder()
            .credentials(ClientCredentials.fromFiles(idFile, secretFile))
            .tokenUri(emulator.tokenUri())
            .failureCooldown(Duration.ZERO)
            .build();
    tokens.invalidate(tokens.token().block(WAIT));
    emulator.resetSecret("client-a", "secret-a2");

    StepVerifier.create(tokens.token())
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(TokenEndpointException.class);
              assertThat(((TokenEndpointException) e).error()).isEqualTo("invalid_client");
              assertThat(e.getMessage()).doesNotContain("secret-a");
            })
        .verify(WAIT);
    assertThat(emulator.tokenRequests()).isEqualTo(2); // re-read, same credentials: not sent again

    mount("client-a", "secret-a2");
    assertThat(tokens.token().block(WAIT)).isNotNull();
    assertThat(emulator.tokenRequests()).isEqualTo(3);
  }
}
