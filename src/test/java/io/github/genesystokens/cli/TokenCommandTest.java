package io.github.genesystokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenCommandTest {

  private final GenesysLoginEmulator emulator = GenesysLoginEmulator.start();
  private final Captured out = new Captured();
  private final Captured err = new Captured();

  @AfterEach
  void close() {
    emulator.close();
  }

  private Map<String, String> env(String id, String secret) {
    return Map.of("GENESYS_CLIENT_ID", id, "GENESYS_CLIENT_SECRET", secret);
  }

  private int token(Map<String, String> env, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "token";
    System.arraycopy(args, 0, all, 1, args.length);
    return Main.run(all, out.stream, err.stream, env);
  }

  @Test
  void printsOnlyTheTokenSoThatShellSubstitutionWorks() throws Exception {
    int status =
        token(
            env(GenesysLoginEmulator.DEFAULT_CLIENT_ID, GenesysLoginEmulator.DEFAULT_CLIENT_SECRET),
            "--token-uri",
            emulator.tokenUri().toString());

    assertThat(status).as(err.text()).isEqualTo(ExitCodes.OK);
    String printed = out.text();
    assertThat(printed).endsWith(System.lineSeparator()).doesNotContain(" ");
    assertThat(printed.strip().lines()).hasSize(1);
    assertThat(err.text()).isEmpty();

    HttpResponse<String> me =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .build()
            .send(
                HttpRequest.newBuilder(emulator.baseUri().resolve("/api/v2/users/me"))
                    .timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + printed.strip())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(me.statusCode()).isEqualTo(200);
  }

  @Test
  void optionsWinOverTheEnvironment() {
    int status =
        token(
            env("someone-else", "wrong"),
            "--client-id=" + GenesysLoginEmulator.DEFAULT_CLIENT_ID,
            "--client-secret",
            GenesysLoginEmulator.DEFAULT_CLIENT_SECRET,
            "--token-uri",
            emulator.tokenUri().toString());

    assertThat(status).as(err.text()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void missingSettingsAreAllNamedWithExitTwo() {
    int status = token(Map.of());

    assertThat(status).isEqualTo(ExitCodes.USAGE);
    assertThat(err.text())
        .contains("GENESYS_CLIENT_ID", "GENESYS_CLIENT_SECRET", "GENESYS_REGION");
    assertThat(out.text()).isEmpty();
  }

  @Test
  void blankVariablesCountAsMissing() {
    int status =
        token(
            Map.of("GENESYS_CLIENT_ID", " ", "GENESYS_CLIENT_SECRET", "x", "GENESYS_REGION", "eu-central-1"));

    assertThat(status).isEqualTo(ExitCodes.USAGE);
    assertThat(err.text()).contains("GENESYS_CLIENT_ID").doesNotContain("GENESYS_REGION (");
  }

  @Test
  void anUnreadableRegionIsAUsageError() {
    int status =
        token(
            Map.of(
                "GENESYS_CLIENT_ID", "id", "GENESYS_CLIENT_SECRET", "x", "GENESYS_REGION", "moon"));

    assertThat(status).isEqualTo(ExitCodes.USAGE);
    assertThat(err.text()).contains("moon", "eu-central-1");
    assertThat(out.text()).isEmpty();
  }

  @Test
  void aRefusedSecretIsExitThreeWithoutTheSecretInTheMessage() {
    int status =
        token(
            env(GenesysLoginEmulator.DEFAULT_CLIENT_ID, "not-the-secret"),
            "--token-uri",
            emulator.tokenUri().toString());

    assertThat(status).isEqualTo(ExitCodes.BAD_CREDENTIALS);
    assertThat(err.text())
        .contains("refused the credentials", "GENESYS_CLIENT_SECRET", "authentication failed")
        .doesNotContain("not-the-secret");
    assertThat(out.text()).isEmpty();
    assertThat(emulator.tokenRequests()).isEqualTo(1);
  }

  @Test
  void anUnknownClientIsExitFourWithTheRegionHint() {
    int status =
        token(
            env("client-of-another-region", "x"), "--token-uri", emulator.tokenUri().toString());

    assertThat(status).isEqualTo(ExitCodes.WRONG_REGION);
    assertThat(err.text()).contains("check GENESYS_REGION", "client not found");
    assertThat(out.text()).isEmpty();
  }

  @Test
  void aTokenUriThatIsNotLocalOrHttpsIsAUsageError() {
    int status = token(env("id", "x"), "--token-uri", "http://example.com/oauth/token");

    assertThat(status).isEqualTo(ExitCodes.USAGE);
    assertThat(err.text()).contains("https");
  }
}
