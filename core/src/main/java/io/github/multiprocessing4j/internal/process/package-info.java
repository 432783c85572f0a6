/**
 * The process lifecycle: starting a child (serializing it, choosing how to launch it, warm
 * standbys), the child JVM's runtime, the registry of active children, exit codes and what a JVM
 * does when it ends (SPEC L1&ndash;L24). Python: {@code process.py}, {@code spawn.py},
 * {@code popen_spawn_posix.py}.
 */
package io.github.multiprocessing4j.internal.process;
