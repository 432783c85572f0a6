package io.github.multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.multiprocessing4j.internal.memory.SessionMemory;
import io.github.multiprocessing4j.internal.pool.PoolEngine;
import io.github.multiprocessing4j.internal.pool.PoolWorkerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pool's lanes (a worker's chunks and results through shared memory, {@code PoolLane}) with
 * workers that are threads of this JVM: chunks and results too large for a lane, chunks taken
 * back from a busy worker for an idle one, the files' lifetime, and the two ways back to the
 * board's calls (lanes turned off, a worker that cannot map its lane).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolLaneTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final PoolThreadWorkers workers = new PoolThreadWorkers();
    private final List<Pool> pools = new ArrayList<>();
    private Path directory;

    @BeforeEach
    void sharedMemory() {
        directory = SessionMemory.visibleDirectory().orElse(null);
        assumeTrue(directory != null, "no usable /dev/shm here");
    }

    @AfterEach
    void terminatePools() {
        pools.forEach(Pool::terminate);
        NamedLatches.releaseAll();
        System.clearProperty(PoolEngine.SHARED_MEMORY_PROPERTY);
    }

    private Pool pool(int processes, PoolWorkerProcess.Factory factory) {
        Pool pool = Pool.builder().processes(processes).workerFactory(factory).build();
        pools.add(pool);
        return pool;
    }

    private Set<Path> laneFiles() {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().startsWith("pool-")).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void chunksAndResultsLargerThanALaneRecordTravelBesideIt() throws Exception {
        Pool pool = pool(2, workers);
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] item = new byte[100_000];
            Arrays.fill(item, (byte) i);
            items.add(item);
        }
        // two items a chunk: 200 KB each way, over a lane's record
        List<byte[]> echoed = pool.map(bytes -> bytes, items, 2);
        assertEquals(items.size(), echoed.size());
        for (int i = 0; i < items.size(); i++) {
            assertArrayEquals(items.get(i), echoed.get(i), "item " + i);
        }
        // and small ones after them, through the lanes again
        assertEquals(List.of(1, 4, 9), pool.map(x -> x * x, List.of(1, 2, 3), 1));
    }

    @Test
    void aChunkQueuedBehindALongOneRunsOnTheWorkerThatIsIdle() throws Exception {
        Pool pool = pool(2, workers);
        assertTrue(pool.awaitReady(WAIT));
        NamedLatches.put("others", new CountDownLatch(5));
        // item 0 runs until the five others are done: whatever was queued behind it must move
        List<Integer> results = pool.map(x -> {
            if (x == 0) {
                // false if the others did not all run while this one waited
                return NamedLatches.await("others") ? 0 : -1;
            } else {
                NamedLatches.latch("others").countDown();
            }
            return x;
        }, List.of(0, 1, 2, 3, 4, 5), 1);
        assertEquals(List.of(0, 1, 2, 3, 4, 5), results);
    }

    @Test
    void thousandsOfChunksRunBesideALongOneWithoutFillingItsWorkersLane() throws Exception {
        Pool pool = pool(2, workers);
        assertTrue(pool.awaitReady(WAIT));
        NamedLatches.put("long", new CountDownLatch(1));
        AsyncResult<Boolean> longOne = pool.applyAsync(() -> NamedLatches.await("long"));
        // chunks of one: the busy worker's lane is dealt some, which the idle one takes back
        List<Integer> items = IntStream.range(0, 3000).boxed().toList();
        assertEquals(items.stream().map(x -> x * 2).toList(), pool.map(x -> x * 2, items, 1));
        assertEquals(items.stream().map(x -> x * 3).toList(), pool.map(x -> x * 3, items, 1));
        NamedLatches.latch("long").countDown();
        assertTrue(longOne.get(WAIT), "the long task ran to its end");
    }

    @Test
    void theLanesFilesAreDeletedWhenTheirWorkersEnd() throws Exception {
        Set<Path> before = laneFiles();
        Pool pool = pool(2, workers);
        assertEquals(List.of(0, 1, 4, 9), pool.map(x -> x * x, List.of(0, 1, 2, 3)));
        Set<Path> during = laneFiles();
        during.removeAll(before);
        assertEquals(4, during.size(), "two rings for each of the two workers: " + during);
        pool.close();
        assertTrue(pool.join(WAIT));
        for (Path file : during) {
            assertTrue(Files.notExists(file), file + " was deleted");
        }
    }

    @Test
    void withoutSharedMemoryEveryChunkGoesThroughTheBoard() throws Exception {
        System.setProperty(PoolEngine.SHARED_MEMORY_PROPERTY, "false");
        Set<Path> before = laneFiles();
        Pool pool = pool(2, workers);
        List<Integer> items = IntStream.range(0, 100).boxed().toList();
        assertEquals(items.stream().map(x -> x * x).toList(), pool.map(x -> x * x, items, 7));
        assertEquals(before, laneFiles(), "no lane was made");
    }

    @Test
    void workersOnAnotherHostGetNoLane() throws Exception {
        Set<Path> before = laneFiles();
        Pool pool = pool(2, new PoolWorkerProcess.Factory() {
            @Override
            public PoolWorkerProcess create(SerializableRunnable loop) {
                return workers.create(loop);
            }

            @Override
            public boolean workersShareThisHost() {
                return false;
            }
        });
        List<Integer> items = IntStream.range(0, 100).boxed().toList();
        assertEquals(items.stream().map(x -> x * 2).toList(), pool.map(x -> x * 2, items, 7));
        assertEquals(before, laneFiles(), "no lane file was made for workers that could not map it");
    }

    @Test
    void aWorkerThatCannotMapItsLaneUsesTheBoard() throws Exception {
        // as a worker on another host: its lane's files are not where the pool made them
        Pool pool = pool(2, loop -> {
            laneFiles().forEach(file -> {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            return workers.create(loop);
        });
        List<Integer> items = IntStream.range(0, 100).boxed().toList();
        assertEquals(items.stream().map(x -> x + 1).toList(), pool.map(x -> x + 1, items, 7));
    }
}
