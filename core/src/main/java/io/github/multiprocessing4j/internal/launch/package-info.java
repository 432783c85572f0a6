/**
 * Which launcher starts a child and with what settings: sets of launcher providers, selection
 * (SPEC S1, S2) and the child's class path.
 */
package io.github.multiprocessing4j.internal.launch;
