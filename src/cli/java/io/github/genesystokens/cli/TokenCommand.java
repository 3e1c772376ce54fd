package io.github.genesystokens.cli;

import io.github.genesystokens.AccessToken;
import io.github.genesystokens.GenesysRegion;
import io.github.genesystokens.GenesysTokenProvider;
import io.github.genesystokens.TokenEndpointException;
import io.github.genesystokens.TokenException;
import io.github.genesystokens.TokenProvider;
import java.io.PrintStream;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code token}: one access token on stdout and nothing else, so that {@code $(...)} captures it;
 * every message goes to stderr, with an exit status that says which setting to fix.
 */
final class TokenCommand {

  static final String HELP =
      String.join(
          "\n",
          "Usage: genesys-token-provider token [--client-id ID] [--client-secret SECRET]",
          "                                    [--region REGION | --token-uri URI]",
          "",
          "Prints an access token for a Genesys Cloud OAuth client (client credentials grant) on",
          "stdout, and nothing else:",
          "",
          "  curl -H \"Authorization: Bearer $(genesys-token-provider token)\" \\",
          "       https://api.mypurecloud.de/api/v2/organizations/me",
          "",
          "Settings (an option wins over its environment variable):",
          "  --client-id      GENESYS_CLIENT_ID      the OAuth client id",
          "  --client-secret  GENESYS_CLIENT_SECRET  its secret (prefer the variable: options",
          "                                          show up in the process list)",
          "  --region         GENESYS_REGION         eu-central-1, mypurecloud.de, api.mypurecloud.de...",
          "  --token-uri                             a token endpoint instead of a region, such as",
          "                                          the emulator's http://127.0.0.1:PORT/oauth/token",
          "",
          "Exit status: 0 ok, 1 failed (network, timeout, server error), 2 missing or malformed",
          "setting, 3 bad credentials, 4 client not found at that login host (wrong region?).");

  private static final Set<String> OPTIONS =
      new LinkedHashSet<>(List.of("client-id", "client-secret", "region", "token-uri"));

  /** Long enough for the provider's retries, short enough for a script not to hang. */
  private static final Duration WAIT_LIMIT = Duration.ofSeconds(90);

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;

  TokenCommand(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  int run(String[] args) throws UsageException {
    Flags flags = Flags.parse("token", args, OPTIONS);
    if (flags.help()) {
      out.println(HELP);
      return ExitCodes.OK;
    }
    String clientId = flags.get("client-id", env, "GENESYS_CLIENT_ID");
    String secret = flags.get("client-secret", env, "GENESYS_CLIENT_SECRET");
    String regionText = flags.get("region", env, "GENESYS_REGION");
    String tokenUriText = flags.get("token-uri");

    List<String> missing = new ArrayList<>();
    if (clientId == null) {
      missing.add("GENESYS_CLIENT_ID (or --client-id)");
    }
    if (secret == null) {
      missing.add("GENESYS_CLIENT_SECRET (or --client-secret)");
    }
    if (regionText == null && tokenUriText == null) {
      missing.add("GENESYS_REGION (or --region), such as eu-central-1 or mypurecloud.de");
    }
    if (!missing.isEmpty()) {
      err.println("token: missing settings:");
      missing.forEach(m -> err.println("  " + m));
      err.println("Run 'genesys-token-provider token --help' for details.");
      return ExitCodes.USAGE;
    }

    GenesysTokenProvider.Builder builder =
        GenesysTokenProvider.builder().clientId(clientId).clientSecret(secret);
    String where;
    try {
      if (tokenUriText != null) {
        URI tokenUri = URI.create(tokenUriText);
        builder.tokenUri(tokenUri);
        where = tokenUri.toString();
      } else {
        GenesysRegion region = GenesysRegion.parse(regionText);
        builder.region(region);
        where = "region " + region + " (" + region.tokenUri() + ")";
      }
    } catch (IllegalArgumentException e) {
      err.println("token: " + e.getMessage());
      return ExitCodes.USAGE;
    }

    try (TokenProvider provider = builder.build()) {
      AccessToken token = provider.token().block(WAIT_LIMIT);
      if (token == null) {
        err.println("token: no token from " + where);
        return ExitCodes.FAILED;
      }
      out.println(token.value());
      return ExitCodes.OK;
    } catch (TokenException e) {
      return explain(e, clientId, where);
    } catch (IllegalStateException timeout) {
      err.println("token: no answer from " + where + " within " + WAIT_LIMIT.toSeconds() + " s");
      return ExitCodes.FAILED;
    }
  }

  private int explain(TokenException e, String clientId, String where) {
    if (e instanceof TokenEndpointException
        && "invalid_client".equals(((TokenEndpointException) e).error())) {
      String description = ((TokenEndpointException) e).errorDescription();
      if (description != null
          && description.toLowerCase(Locale.ROOT).contains("client not found")) {
        err.println(
            "token: client " + clientId + " is not known at " + where + ". An OAuth client exists"
                + " in one region only: check GENESYS_REGION, then the client id.");
        err.println("  " + e.getMessage());
        return ExitCodes.WRONG_REGION;
      }
      err.println(
          "token: the login service refused the credentials of client " + clientId
              + " at " + where + ": check GENESYS_CLIENT_SECRET.");
      err.println("  " + e.getMessage());
      return ExitCodes.BAD_CREDENTIALS;
    }
    if (causedBy(e, UnknownHostException.class)) {
      err.println("token: the login host of " + where + " does not exist: check GENESYS_REGION.");
      err.println("  " + e.getMessage());
      return ExitCodes.WRONG_REGION;
    }
    err.println("token: " + e.getMessage());
    return ExitCodes.FAILED;
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
