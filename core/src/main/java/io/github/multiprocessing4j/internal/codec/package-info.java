/**
 * How user objects become bytes and back: a compact, versioned codec for the common message
 * types, and Java serialization behind an {@link java.io.ObjectInputFilter} for everything else,
 * with errors that name what cannot be serialized (SPEC L10, C3, M2). Python:
 * {@code reduction.py}.
 */
package io.github.multiprocessing4j.internal.codec;
