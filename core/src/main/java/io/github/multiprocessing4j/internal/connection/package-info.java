/**
 * CPython's {@code multiprocessing.connection} on the byte level: length-prefixed messages over a
 * stream socket, and the mutual HMAC challenge ({@code #CHALLENGE#}, {@code #WELCOME#},
 * {@code #FAILURE#}, the {@code {sha256}} dialect of CPython 3.12+ and the legacy HMAC-MD5 one)
 * that {@code Listener} and {@code Client} run before any data (SPEC M8). Python:
 * {@code connection.py}.
 */
package io.github.multiprocessing4j.internal.connection;
