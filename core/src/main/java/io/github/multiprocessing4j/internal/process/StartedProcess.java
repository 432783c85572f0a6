package io.github.multiprocessing4j.internal.process;

import io.github.multiprocessing4j.spi.LaunchedProcess;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A started child: the launcher's handle and the user-visible exit code (SPEC L16), which
 * completes once the process has ended and its channel has said how.
 *
 * @param handle the launcher's handle
 * @param exitCode the future exit code
 * @param result what the child sent as its callable's result, once it has ended; null if nothing
 */
public record StartedProcess(LaunchedProcess handle, CompletableFuture<Integer> exitCode, Supplier<byte[]> result) {
}
