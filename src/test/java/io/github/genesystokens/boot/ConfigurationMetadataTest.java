package io.github.genesystokens.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata the build generates (what IDEs complete): every {@code
 * genesys.token.*} property is there with a description, and with its default where it has one.
 */
class ConfigurationMetadataTest {

  @Test
  void everyPropertyIsDescribedWithItsDefault() throws Exception {
    Path classes = Path.of(GenesysTokenProperties.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    JsonNode metadata =
        new ObjectMapper().readTree(classes.resolve("META-INF/spring-configuration-metadata.json").toFile());
    Map<String, JsonNode> properties = new LinkedHashMap<>();
    metadata.path("properties").forEach(p -> properties.put(p.path("name").asText(), p));

    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("client-id", null);
    defaults.put("client-secret", null);
    defaults.put("client-id-file", null);
    defaults.put("client-secret-file", null);
    defaults.put("region", null);
    defaults.put("token-uri", null);
    defaults.put("api-base-url", null);
    defaults.put("scopes", null);
    defaults.put("client-authentication", "genesys-basic");
    defaults.put("refresh-ahead", "5m");
    defaults.put("expiry-skew", "60s");
    defaults.put("request-timeout", "10s");
    defaults.put("failure-cooldown", "5s");
    defaults.put("retry.max-retries", "3");
    defaults.put("retry.min-backoff", "1s");
    defaults.put("retry.max-backoff", "30s");
    defaults.put("retry.max-retry-after", "180s");
    defaults.put("pool-size", "1");
    defaults.put("requests-per-token-per-minute", "300");
    defaults.put("warm-up", "false");
    defaults.put("name", "default");

    assertThat(properties.keySet())
        .containsExactlyInAnyOrderElementsOf(
            defaults.keySet().stream().map(k -> "genesys.token." + k).toList());
    defaults.forEach(
        (key, value) -> {
          JsonNode property = properties.get("genesys.token." + key);
          assertThat(property.path("description").asText()).as(key).isNotBlank();
          if (value != null) {
            assertThat(property.path("defaultValue").asText()).as(key).isEqualTo(value);
          } else {
            assertThat(property.has("defaultValue")).as(key).isFalse();
          }
        });
  }
}
