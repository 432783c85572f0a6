/**
 * Messages between two processes of one host through a ring buffer in a memory-mapped file
 * under {@code /dev/shm}, with spin-then-park wake-ups (SPEC M1, M3, M4).
 */
package io.github.multiprocessing4j.internal.ring;
