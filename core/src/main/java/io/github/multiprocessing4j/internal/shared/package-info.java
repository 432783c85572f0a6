/**
 * The state of shared objects (queues, pipes, locks, events, conditions, barriers) in the JVM
 * that hosts them, and the calls their handles make on it from any process of the tree. Python:
 * {@code queues.py}, {@code synchronize.py} and the parts of {@code managers.py} they rely on.
 */
package io.github.multiprocessing4j.internal.shared;
