package io.github.genesystokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;

class EmulatorCommandTest {

  private final Captured out = new Captured();
  private final Captured err = new Captured();

  @Test
  void runsUntilStoppedPrintingTheCredentialsItAccepts() throws Exception {
    Sinks.Empty<Void> stop = Sinks.empty();
    Main main = new Main(out.stream, err.stream, Map.of(), stop.asMono());
    CompletableFuture<Integer> status =
        CompletableFuture.supplyAsync(
            () ->
                main.run(
                    new String[] {
                      "emulator", "--client-id", "dev-client", "--client-secret", "dev-secret",
                      "--token-lifetime", "600"
                    }));

    assertThat(out.await("Press Ctrl+C", Duration.ofSeconds(5))).as(err.text()).isTrue();
    assertThat(out.text()).contains("client id       dev-client", "client secret   dev-secret");
    Matcher port = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)").matcher(out.text());
    assertThat(port.find()).isTrue();

    HttpResponse<String> reply =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .build()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port.group(1) + "/oauth/token"))
                    .timeout(Duration.ofSeconds(5))
                    .header(
                        "Authorization",
                        "Basic "
                            + Base64.getEncoder()
                                .encodeToString(
                                    "dev-client:dev-secret".getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.body()).contains("\"expires_in\":600");

    stop.tryEmitEmpty();
    assertThat(status.get(5, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    assertThat(out.text()).contains("stopped");
  }

  @Test
  void theDefaultsAreTheEmulatorsDefaultClient() throws Exception {
    Sinks.Empty<Void> stop = Sinks.empty();
    Main main = new Main(out.stream, err.stream, Map.of(), stop.asMono());
    CompletableFuture<Integer> status =
        CompletableFuture.supplyAsync(() -> main.run(new String[] {"emulator"}));

    assertThat(out.await("Press Ctrl+C", Duration.ofSeconds(5))).as(err.text()).isTrue();
    assertThat(out.text())
        .contains(GenesysLoginEmulator.DEFAULT_CLIENT_ID, GenesysLoginEmulator.DEFAULT_CLIENT_SECRET);

    stop.tryEmitEmpty();
    assertThat(status.get(5, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
  }

  @Test
  void aBadPortIsAUsageError() {
    int status = Main.run(new String[] {"emulator", "--port", "70000"}, out.stream, err.stream, Map.of());

    assertThat(status).isEqualTo(ExitCodes.USAGE);
    assertThat(err.text()).contains("--port");
  }

  @Test
  void aPortInUseFailsWithExitOne() {
    try (GenesysLoginEmulator taken = GenesysLoginEmulator.start()) {
      int status =
          Main.run(
              new String[] {"emulator", "--port", Integer.toString(taken.port())},
              out.stream,
              err.stream,
              Map.of());

      assertThat(status).isEqualTo(ExitCodes.FAILED);
      assertThat(err.text()).contains("could not listen");
    }
  }
}
