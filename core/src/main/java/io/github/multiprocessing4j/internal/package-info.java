/**
 * Internals of multiprocessing4j-core: not exported, not API. One package per concept:
 * {@code process} (the lifecycle), {@code channel} (the control channel), {@code codec} (objects
 * as bytes), {@code shared} (shared objects' state), {@code pool} (the pool's engine) and
 * {@code launch} (choosing a launcher). Internals never use the public API's classes, except the
 * exceptions and functional interfaces that cross the boundary by design (see the
 * {@code io.github.multiprocessing4j} package's documentation).
 */
package io.github.multiprocessing4j.internal;
