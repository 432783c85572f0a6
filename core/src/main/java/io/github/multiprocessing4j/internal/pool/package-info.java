/**
 * The engine of a process pool: its task board, chunks, jobs and the workers' loop, with no
 * knowledge of how worker processes are started. Python: {@code pool.py}.
 */
package io.github.multiprocessing4j.internal.pool;
