/**
 * Internals of multiprocessing4j-core: not exported, not API. Each class says which SPEC rule
 * it implements.
 */
package io.github.multiprocessing4j.internal;
