/**
 * How user objects become bytes and back: Java serialization behind an
 * {@link java.io.ObjectInputFilter}, with errors that name what cannot be serialized (SPEC L10,
 * C3, M2). Python: {@code reduction.py}.
 */
package io.github.multiprocessing4j.internal.codec;
