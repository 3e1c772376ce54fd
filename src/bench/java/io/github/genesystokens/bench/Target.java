package io.github.genesystokens.bench;

/**
 * One target of issue 5, judged.
 *
 * @param promise what the library promises, as the report's first column says it
 * @param measured what was measured, with the peer's value where the target compares with it
 * @param met whether the measurement keeps the promise
 */
record Target(String promise, String measured, boolean met) {}
