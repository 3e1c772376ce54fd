package io.github.genesystokens;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** This library's version, as Maven wrote it into {@code version.properties}. */
final class LibraryVersion {

  /** The version, such as {@code 0.1.0}; {@code unknown} if the resource is missing. */
  static final String VERSION = read();

  /** The {@code User-Agent} of token requests: names this library, its version and the JVM. */
  static final String USER_AGENT =
      "genesys-token-provider/" + VERSION + " (Java " + System.getProperty("java.version") + ")";

  private LibraryVersion() {}

  private static String read() {
    try (InputStream in = LibraryVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
