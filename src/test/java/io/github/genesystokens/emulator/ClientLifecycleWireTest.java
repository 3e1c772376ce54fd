package io.github.genesystokens.emulator;

import static io.github.genesystokens.emulator.EmulatorHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients changed while the emulator runs, as in the Genesys admin UI: a new client, a secret
 * reset (no overlap), a client disabled (its tokens revoked).
 */
class ClientLifecycleWireTest {

  private GenesysLoginEmulator emulator;
  private EmulatorHttp http;

  @BeforeEach
  void start() {
    emulator = GenesysLoginEmulator.builder().client("first", "secret-1").start();
    http = new EmulatorHttp(emulator);
  }

  @AfterEach
  void close() {
    emulator.close();
  }

  private String tokenOf(String id, String secret) {
    HttpResponse<String> reply = http.token(id, secret);
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    return json(reply).get("access_token").asText();
  }

  @Test
  void aClientRegisteredAtRunTimeGetsTokensCountedPerClient() {
    emulator.registerClient("second", "secret-2");

    tokenOf("first", "secret-1");
    tokenOf("second", "secret-2");
    tokenOf("second", "secret-2");

    assertThat(emulator.tokensIssuedTo("first")).isEqualTo(1);
    assertThat(emulator.tokensIssuedTo("second")).isEqualTo(2);
    assertThat(emulator.tokensIssuedTo("nobody")).isZero();
    assertThatThrownBy(() -> emulator.registerClient("second", "x"))
        .hasMessageContaining("already registered");
    assertThatThrownBy(() -> emulator.registerClient("a:b", "x")).hasMessageContaining("':'");
  }

  @Test
  void aResetSecretReplacesTheOldOneAtOnceAndLeavesIssuedTokensValid() {
    String before = tokenOf("first", "secret-1");

    emulator.resetSecret("first", "secret-1b");

    HttpResponse<String> old = http.token("first", "secret-1");
    assertThat(old.statusCode()).isEqualTo(400); // invalid_client, at the emulator's default status
    assertThat(json(old).get("error").asText()).isEqualTo("invalid_client");
    assertThat(json(old).get("error_description").asText()).isEqualTo("authentication failed");
    tokenOf("first", "secret-1b");
    assertThat(http.request("GET", "/api/v2/users/me", before).statusCode()).isEqualTo(200);
  }

  @Test
  void aDisabledClientIsRefusedAndItsTokensAreRevoked() {
    emulator.registerClient("second", "secret-2");
    String firsts = tokenOf("first", "secret-1");
    String seconds = tokenOf("second", "secret-2");

    emulator.disableClient("first");

    HttpResponse<String> refused = http.token("first", "secret-1");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json(refused).get("error").asText()).isEqualTo("invalid_client");
    assertThat(http.request("GET", "/api/v2/users/me", firsts).statusCode()).isEqualTo(401);
    assertThat(http.request("GET", "/api/v2/users/me", seconds).statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> emulator.disableClient("nobody")).hasMessageContaining("no client");
  }
}
