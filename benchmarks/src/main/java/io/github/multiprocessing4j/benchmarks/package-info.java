/**
 * Whole-process benchmarks of multiprocessing4j: how long a child takes to start and end (cold,
 * and warm from a standby JVM), to stop, to run twenty at once, how much memory it holds, and
 * how fast a started {@code Pool}, a {@code Pipe} and a {@code Queue} are, each next to a
 * baseline measured in the same run (a bare JVM, CPython's {@code multiprocessing}, a raw
 * container), the floors of messaging between two bare JVMs next to core's ring buffer, and
 * core's message codec next to Java serialization. Run
 * {@link io.github.multiprocessing4j.benchmarks.Benchmarks}.
 */
package io.github.multiprocessing4j.benchmarks;
