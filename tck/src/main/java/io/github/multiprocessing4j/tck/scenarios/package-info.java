/**
 * Main classes that the tck runs as separate "parent" JVMs with
 * {@link io.github.multiprocessing4j.tck.Scenario}, and what their children run. They print
 * {@code key=value} lines that the suites read; a child's lines reach the captured output
 * because it inherits its parent's standard streams.
 */
package io.github.multiprocessing4j.tck.scenarios;
