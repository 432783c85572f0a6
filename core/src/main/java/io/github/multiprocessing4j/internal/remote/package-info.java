/**
 * The control channel for children that do not share the parent's file system (SPEC R1, R2):
 * a per-session self-signed TLS identity, the TCP listener that relays authenticated TLS
 * connections onto the Unix-domain control channel, the child's end of that relay, the bytes a
 * launcher hands the child on its standard input, and the shipping of the class path by
 * content hash.
 */
package io.github.multiprocessing4j.internal.remote;
