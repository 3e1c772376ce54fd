package io.github.genesystokens;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Makes text from the token endpoint safe to put in an error message: short, on one line, with
 * token values and the client's credentials removed.
 */
final class Redaction {

  /** How much of a reply body an error message quotes. */
  static final int EXCERPT_CHARS = 200;

  static final String REDACTED = "<redacted>";

  // The value of any *_token member, quoted or not, up to the next separator.
  private static final Pattern TOKEN_MEMBER =
      Pattern.compile("(\"[A-Za-z_]*token\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"?|[^,}\\s]+)");

  private final List<String> secrets;

  /**
   * @param secrets strings that must never be quoted (the client secret in each form it may be
   *     echoed in, the Basic credentials); blank ones are ignored
   */
  Redaction(String... secrets) {
    List<String> kept = new ArrayList<>();
    for (String secret : secrets) {
      if (secret != null && !secret.isBlank() && !kept.contains(secret)) {
        kept.add(secret);
      }
    }
    // Longest first: a form that contains another is replaced whole, not left half quoted.
    kept.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(kept);
  }

  /** The start of {@code body} as safe, one-line text; empty for an empty body. */
  String excerpt(byte[] body) {
    // Decode a little more than needed: enough to see a token member that starts near the end.
    int length = Math.min(body.length, EXCERPT_CHARS * 4);
    String text = new String(body, 0, length, StandardCharsets.UTF_8);
    text = redact(text);
    StringBuilder out = new StringBuilder(Math.min(text.length(), EXCERPT_CHARS + 1));
    boolean lastWasSpace = false;
    int i = 0;
    for (; i < text.length() && out.length() < EXCERPT_CHARS; i++) {
      char c = text.charAt(i);
      boolean space = Character.isWhitespace(c) || Character.isISOControl(c);
      if (space && !lastWasSpace && out.length() > 0) {
        out.append(' ');
      } else if (!space) {
        out.append(c);
      }
      lastWasSpace = space;
    }
    // Cut when text was left over, not merely when the excerpt is full: a body of exactly
    // EXCERPT_CHARS characters is quoted whole.
    boolean cut = i < text.length() || body.length > length;
    return cut ? out.toString().strip() + "..." : out.toString().strip();
  }

  /** {@code text} with token members and the secrets replaced by {@value #REDACTED}. */
  String redact(String text) {
    String result = TOKEN_MEMBER.matcher(text).replaceAll("$1\"" + REDACTED + "\"");
    for (String secret : secrets) {
      result = result.replace(secret, REDACTED);
    }
    return result;
  }
}
