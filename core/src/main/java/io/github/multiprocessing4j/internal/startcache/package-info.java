/**
 * The start cache of child JVMs: a class-data archive (JDK 17 to 24) or an ahead-of-time cache
 * (JDK 25 and later) made in the background for a child's {@code java}, class path and options,
 * kept in a per-user directory, and handed to later children as ordinary JVM options.
 */
package io.github.multiprocessing4j.internal.startcache;
