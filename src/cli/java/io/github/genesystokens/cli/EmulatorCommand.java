package io.github.genesystokens.cli;

import io.github.genesystokens.emulator.GenesysLoginEmulator;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Mono;

/** {@code emulator}: the Genesys login emulator on a port, for developing other services. */
final class EmulatorCommand {

  static final String HELP =
      String.join(
          "\n",
          "Usage: genesys-token-provider emulator [--port N] [--client-id ID]",
          "                                       [--client-secret SECRET] [--token-lifetime SECONDS]",
          "",
          "Runs the Genesys login emulator on 127.0.0.1 until interrupted (Ctrl+C): POST /oauth/token",
          "and GET /api/v2/users/me, /api/v2/organizations/me, DELETE /api/v2/tokens/me.",
          "",
          "  --port            port to listen on; 0 (default) picks a free one",
          "  --client-id       the client id it accepts (default " + GenesysLoginEmulator.DEFAULT_CLIENT_ID + ")",
          "  --client-secret   its secret (default " + GenesysLoginEmulator.DEFAULT_CLIENT_SECRET + ")",
          "  --token-lifetime  token lifetime in seconds (default 86400)");

  private static final Set<String> OPTIONS =
      new LinkedHashSet<>(List.of("port", "client-id", "client-secret", "token-lifetime"));

  private final PrintStream out;
  private final PrintStream err;
  private final Mono<Void> stop;

  EmulatorCommand(PrintStream out, PrintStream err, Mono<Void> stop) {
    this.out = out;
    this.err = err;
    this.stop = stop;
  }

  int run(String[] args) throws UsageException {
    Flags flags = Flags.parse("emulator", args, OPTIONS);
    if (flags.help()) {
      out.println(HELP);
      return ExitCodes.OK;
    }
    int port = flags.intValue("emulator", "port", 0);
    if (port > 65_535) {
      throw new UsageException("emulator: --port must be 0 to 65535, not " + port);
    }
    int lifetime = flags.intValue("emulator", "token-lifetime", 86_400);
    if (lifetime < 1) {
      throw new UsageException("emulator: --token-lifetime must be at least 1 second");
    }
    String clientId = orDefault(flags.get("client-id"), GenesysLoginEmulator.DEFAULT_CLIENT_ID);
    String secret = orDefault(flags.get("client-secret"), GenesysLoginEmulator.DEFAULT_CLIENT_SECRET);

    GenesysLoginEmulator emulator;
    try {
      emulator =
          GenesysLoginEmulator.builder()
              .port(port)
              .client(clientId, secret, Duration.ofSeconds(lifetime))
              .start();
    } catch (IllegalArgumentException e) {
      throw new UsageException("emulator: " + e.getMessage());
    } catch (RuntimeException e) {
      err.println("emulator: could not listen on 127.0.0.1:" + port + ": " + e.getMessage());
      return ExitCodes.FAILED;
    }
    Thread hook =
        new Thread(
            () -> {
              emulator.close();
              out.println("Genesys login emulator stopped.");
              out.flush();
            },
            "genesys-login-emulator-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      out.println("Genesys login emulator listening on " + emulator.baseUri());
      out.println("  token endpoint  " + emulator.tokenUri());
      out.println("  client id       " + clientId);
      out.println("  client secret   " + secret);
      out.println("  token lifetime  " + lifetime + " s");
      out.println("Try: curl -s -u " + clientId + ":" + secret
          + " -d grant_type=client_credentials " + emulator.tokenUri());
      out.println("Press Ctrl+C to stop.");
      out.flush();
      // Waits for the stop signal: never, from the command line, where Ctrl+C ends the JVM and
      // the shutdown hook closes the emulator.
      stop.block();
      return ExitCodes.OK;
    } catch (RuntimeException interrupted) {
      return ExitCodes.OK;
    } finally {
      emulator.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is already exiting; the hook runs and closing twice is harmless.
      }
      out.println("Genesys login emulator stopped.");
    }
  }

  private static String orDefault(String value, String fallback) {
    return value == null ? fallback : value;
  }
}
