package io.github.multiprocessing4j.internal;

import io.github.multiprocessing4j.spi.LaunchedProcess;
import java.util.concurrent.CompletableFuture;

/**
 * A started child: the launcher's handle and the user-visible exit code (SPEC L16), which
 * completes once the process has ended and its channel has said how.
 *
 * @param handle the launcher's handle
 * @param exitCode the future exit code
 */
public record StartedProcess(LaunchedProcess handle, CompletableFuture<Integer> exitCode) {
}
