/**
 * Memory that the processes of one host share (SPEC M4, M5, M6): the session's directory of
 * blocks under {@code /dev/shm}, named {@code SharedMemory} segments with one owner, and the
 * blocks behind {@code Value} and {@code Array}, whose lock is a word in the block itself.
 */
package io.github.multiprocessing4j.internal.memory;
