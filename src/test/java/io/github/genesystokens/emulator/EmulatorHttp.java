package io.github.genesystokens.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Raw HTTP against the emulator, so the tests see the wire exactly, with every wait bounded. */
final class EmulatorHttp {

  static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
  private final URI base;

  EmulatorHttp(GenesysLoginEmulator emulator) {
    this.base = emulator.baseUri();
  }

  HttpClient client() {
    return client;
  }

  static String basic(String id, String secret) {
    return "Basic "
        + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  HttpResponse<String> token(String authorization) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve("/oauth/token"))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return send(request.build());
  }

  HttpResponse<String> token(String id, String secret) {
    return token(basic(id, secret));
  }

  HttpResponse<String> newTokenReply() {
    return token(GenesysLoginEmulator.DEFAULT_CLIENT_ID, GenesysLoginEmulator.DEFAULT_CLIENT_SECRET);
  }

  /** A token of the default client, asserted to be issued. */
  String newToken() {
    HttpResponse<String> reply = newTokenReply();
    if (reply.statusCode() != 200) {
      throw new AssertionError("no token: " + reply.statusCode() + " " + reply.body());
    }
    return json(reply).get("access_token").asText();
  }

  HttpResponse<String> request(String method, String path, String bearer) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(TIMEOUT)
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return send(request.build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + request, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  static JsonNode json(HttpResponse<String> reply) {
    try {
      return JSON.readTree(reply.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + reply.body(), e);
    }
  }
}
