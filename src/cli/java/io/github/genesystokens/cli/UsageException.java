package io.github.genesystokens.cli;

/** The command line or the environment is wrong: the message says what to change. */
final class UsageException extends Exception {

  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message, null, false, false);
  }
}
