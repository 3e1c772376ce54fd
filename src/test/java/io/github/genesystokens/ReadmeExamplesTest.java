package io.github.genesystokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.ApiException;
import com.mypurecloud.sdk.v2.api.OrganizationApi;
import com.mypurecloud.sdk.v2.model.Organization;
import io.github.genesystokens.sdk.GenesysSdk;
import io.github.genesystokens.webclient.BearerTokenFilter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The README's Java examples compile: each is copied below between {@code README-BEGIN} and
 * {@code README-END}, and this test checks that the README shows exactly these lines.
 */
class ReadmeExamplesTest {

  @SuppressWarnings("unused")
  private static void firstExample() {
    // README-BEGIN
    // One provider per OAuth client, shared by the whole application.
    TokenProvider tokens = GenesysTokenProvider.builder()
        .clientId(System.getenv("GENESYS_CLIENT_ID"))
        .clientSecret(System.getenv("GENESYS_CLIENT_SECRET"))
        .region(GenesysRegion.parse("eu-central-1"))
        .build();

    // A valid token, from cache in steady state; one request however many callers.
    Mono<String> header = tokens.token().map(token -> "Bearer " + token.value());
    // README-END
  }

  @SuppressWarnings("unused")
  private static void webClientRecipe(TokenProvider tokens) {
    // README-BEGIN
    WebClient api = WebClient.builder()
        .baseUrl(GenesysRegion.EU_CENTRAL_1.apiBaseUri().toString())
        .filter(BearerTokenFilter.of(tokens))
        .build();

    Mono<String> org = api.get().uri("/api/v2/organizations/me")
        .retrieve().bodyToMono(String.class);
    // README-END
  }

  @SuppressWarnings("unused")
  private static void springBootRecipe() {
    // README-BEGIN
    @Service
    class Users {
      private final WebClient api;

      Users(@Qualifier("genesysWebClientBuilder") WebClient.Builder genesys) {
        this.api = genesys.build();
      }

      Mono<String> me() {
        return api.get().uri("/api/v2/users/me").retrieve().bodyToMono(String.class);
      }
    }
    // README-END
  }

  @SuppressWarnings("unused")
  private static void sdkRecipe(TokenProvider tokens) throws IOException, ApiException {
    // README-BEGIN
    ApiClient apiClient = GenesysSdk.apiClientBuilder(tokens)
        .withBasePath(GenesysRegion.EU_CENTRAL_1.apiBaseUri().toString())
        .build();

    Organization org = new OrganizationApi(apiClient).getOrganizationsMe();
    // README-END
  }

  private static final Pattern SNIPPET =
      Pattern.compile("// README-BEGIN\\n(.*?)\\n\\s*// README-END", Pattern.DOTALL);
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

  @Test
  void theReadmeShowsExactlyTheExamplesThatCompileHere() throws IOException {
    String source =
        Files.readString(
            Path.of("src/test/java/io/github/genesystokens/ReadmeExamplesTest.java"),
            StandardCharsets.UTF_8);
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);

    assertThat(blocks(JAVA_BLOCK, readme)).containsExactlyElementsOf(blocks(SNIPPET, source));
  }

  @Test
  void theFirstExampleBuildsAProviderWithoutAnyRequest() {
    try (TokenProvider tokens =
        GenesysTokenProvider.builder()
            .clientId("id")
            .clientSecret("secret")
            .region(GenesysRegion.parse("eu-central-1"))
            .build()) {
      assertThat(tokens.toString()).contains("https://login.mypurecloud.de/oauth/token");
    }
  }

  /** Each match, with the indentation common to its lines removed. */
  private static List<String> blocks(Pattern pattern, String text) {
    List<String> blocks = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      blocks.add(m.group(1).stripIndent().strip());
    }
    return blocks;
  }
}
