package io.github.multiprocessing4j.internal.pool;

/**
 * Consecutive items of one job, handed to one worker in one message: Python's task batches
 * ({@code chunksize}). A chunk amortizes the round trip to the worker (about 200 µs) over its
 * items, and counts as one task for {@code maxTasksPerChild}, as in Python.
 *
 * @param job the job the items belong to
 * @param first the index of the first item in the job
 * @param count how many items
 * @param items the items, serialized as one list (the compact codec's, when they are of its types)
 */
record PoolChunk(PoolJob job, int first, int count, byte[] items) {
}
