/**
 * The official Genesys Cloud Java SDK ({@code com.mypurecloud:platform-client-v2}, an optional
 * dependency) with tokens from a {@link io.github.genesystokens.TokenProvider}: see {@link
 * io.github.genesystokens.sdk.GenesysSdk}.
 */
package io.github.genesystokens.sdk;
