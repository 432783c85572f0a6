/**
 * The authenticated control channel between a parent and its children: the Unix-domain
 * server, the HMAC handshake, framing, call envelopes and the child's link to its parent (SPEC
 * C1&ndash;C4). Python: {@code connection.py}. It meets the shared objects only through
 * {@link io.github.multiprocessing4j.internal.channel.CallRouter}.
 */
package io.github.multiprocessing4j.internal.channel;
