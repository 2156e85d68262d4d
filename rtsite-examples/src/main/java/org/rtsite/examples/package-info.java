/**
 * The {@code rtsite} command line, {@link org.rtsite.examples.RtsiteCli} (entry point; one class per
 * subcommand), and {@link org.rtsite.examples.EmbeddingExample}, the README's embedding example. Adds
 * the platform native libraries the command line ships with.
 */
package org.rtsite.examples;
