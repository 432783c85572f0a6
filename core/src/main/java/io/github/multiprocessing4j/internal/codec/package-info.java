/**
 * How a message becomes bytes and back: a compact versioned format for the common types, and
 * Java serialization behind an {@link java.io.ObjectInputFilter} for everything else (SPEC C3, M2).
 */
package io.github.multiprocessing4j.internal.codec;
