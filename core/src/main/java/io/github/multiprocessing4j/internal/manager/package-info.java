/**
 * Python's {@code SyncManager}: the state of a manager's dicts, lists and namespaces in the one
 * process that hosts it, the proxies that call it from any process (SPEC M7), and the
 * authenticated TCP server and client through which unrelated JVMs reach it (Python's
 * {@code BaseManager(address, authkey)}). Python: {@code managers.py}.
 */
package io.github.multiprocessing4j.internal.manager;
