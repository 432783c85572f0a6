/**
 * Whole-process benchmarks of multiprocessing4j: how long a child takes to start and end, to
 * stop, to run twenty at once, and how much memory it holds, each next to a baseline measured in
 * the same run (a bare JVM, CPython's {@code multiprocessing}, a raw container). Run
 * {@link io.github.multiprocessing4j.benchmarks.Benchmarks}.
 */
package io.github.multiprocessing4j.benchmarks;
