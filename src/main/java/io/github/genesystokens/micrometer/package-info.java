/**
 * Micrometer meters and observations of token providers: {@link
 * io.github.genesystokens.micrometer.GenesysTokenMetrics}. Needs {@code micrometer-core} (and
 * {@code micrometer-observation} for traces) on the class path, optional dependencies of this
 * library; the core never loads this package.
 */
package io.github.genesystokens.micrometer;
