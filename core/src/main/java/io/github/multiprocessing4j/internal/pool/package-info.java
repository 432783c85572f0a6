/**
 * The engine of a process pool: its task board, chunks, jobs and the workers' loop, with no
 * knowledge of how worker processes are started. Python: {@code pool.py}, and the work items of
 * {@code concurrent/futures/process.py} ({@link io.github.multiprocessing4j.internal.pool.PoolTask}).
 */
package io.github.multiprocessing4j.internal.pool;
