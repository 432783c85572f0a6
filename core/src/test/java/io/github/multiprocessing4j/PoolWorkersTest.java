package io.github.multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.LaunchRequest;
import io.github.multiprocessing4j.spi.LaunchedProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mockito.ArgumentCaptor;
import org.mockito.Mockito;

/**
 * The pool's workers are daemon child processes of the pool's launcher, against a launcher
 * that starts nothing: names, flags, settings, and what terminate() and a failed start do to
 * them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolWorkersTest {

    private final List<CompletableFuture<Integer>> exits = new ArrayList<>();
    private final List<LaunchedProcess> handles = new ArrayList<>();

    private final MockLaunchers mock = new MockLaunchers();

    @BeforeEach
    void stubLauncher() throws LaunchException {
        when(mock.launcher.launch(any())).thenAnswer(invocation -> {
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            LaunchedProcess handle = Mockito.mock(LaunchedProcess.class);
            when(handle.pid()).thenReturn(5000L + handles.size());
            when(handle.onExit()).thenReturn(exit);
            // the raw status of SIGTERM: the "process" ends as soon as it is asked to
            doAnswer(call -> exit.complete(143)).when(handle).terminate();
            exits.add(exit);
            handles.add(handle);
            return handle;
        });
    }

    @Test
    void workersAreDaemonChildProcessesOfThePoolsLauncherNamedPoolWorkerN() throws Exception {
        Pool pool = mock.pool().processes(2).launcherOption("mock.key", "v")
                .environment("POOL_ENV", "1").jvmOptions("-Xmx64m").build();
        ArgumentCaptor<LaunchRequest> requests = ArgumentCaptor.forClass(LaunchRequest.class);
        verify(mock.launcher, times(2)).launch(requests.capture());
        for (LaunchRequest request : requests.getAllValues()) {
            assertTrue(request.processName().matches("PoolWorker-\\d+"), request.processName());
            assertTrue(request.daemon(), "Python's pool workers are daemons");
            assertEquals("v", request.options().get("mock.key"));
            assertEquals("1", request.environment().get("POOL_ENV"));
            assertTrue(request.jvmOptions().contains("-Xmx64m"));
        }
        int first = Integer.parseInt(requests.getAllValues().get(0).processName().substring("PoolWorker-".length()));
        assertEquals("PoolWorker-" + (first + 1), requests.getAllValues().get(1).processName(),
                "numbered by the process counter, like Python's SpawnPoolWorker-<identity>");
        assertEquals(2, Multiprocessing.activeChildren().stream()
                .filter(child -> child.getName().startsWith("PoolWorker-")).count());

        exits.get(0).complete(9);
        assertTrue(poll(() -> handles.size() == 3), "a worker that ended is replaced");

        AsyncResult<Integer> pending = pool.applyAsync(() -> 1);
        pool.terminate();
        for (int i = 0; i < handles.size(); i++) {
            if (i != 0) {
                verify(handles.get(i), atLeastOnce()).terminate();
            }
        }
        assertTrue(pool.join(Duration.ZERO));
        assertThrows(java.util.concurrent.CancellationException.class, pending::get);
        assertEquals(0, Multiprocessing.activeChildren().stream()
                .filter(child -> child.getName().startsWith("PoolWorker-")).count());
    }

    @Test
    void aPoolWhoseWorkersCannotStartFailsAtConstructionAndLeavesNothingRunning() throws Exception {
        reset(mock.launcher);
        when(mock.launcher.launch(any())).thenThrow(new LaunchException("no java here"));
        ProcessStartException failure = assertThrows(ProcessStartException.class,
                () -> mock.pool().processes(2).build());
        assertTrue(failure.getMessage().contains("no java here"), failure.getMessage());
        assertThrows(LauncherNotFoundException.class, () -> Pool.builder().launcher("no-such-launcher").build());
        Object notSerializable = new Object();
        assertThrows(TargetNotSerializableException.class, () -> mock.pool()
                .initializer(() -> notSerializable.hashCode()).build());
    }

    /** Not serializable, and named so in the message. */
    static final class Database {
    }

    @Test
    void aFunctionThatCannotBeSerializedIsNamedAsTheUserWroteIt() throws Exception {
        Pool pool = mock.pool().processes(1).build();
        try {
            Database database = new Database();
            IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                    () -> pool.map(x -> database.hashCode() + x, List.of(1, 2)));
            String message = failure.getMessage();
            assertTrue(message.contains(Database.class.getName() + " is not serializable"), message);
            assertTrue(message.contains("captured value #1 of lambda " + PoolWorkersTest.class.getName() + ".lambda$"),
                    message);
            assertTrue(!message.contains("PoolFunction"), "the library's wrapper is not the user's business: " + message);
            assertThrows(IllegalArgumentException.class, () -> pool.applyAsync(() -> database));
        } finally {
            pool.terminate();
        }
    }

    private static boolean poll(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
