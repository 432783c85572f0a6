package io.github.multiprocessing4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a cold child does between its JVM's start and its exit, seen in the classes it loads: it
 * must not set up the JDK's record machinery, which a task never needs and which costs a cold JVM
 * tens of milliseconds of method handles spun at run time. A record's first {@code equals},
 * {@code hashCode} or {@code toString} bootstraps {@code java.lang.runtime.ObjectMethods}, and
 * deserializing a record goes through {@code ObjectStreamClass$RecordSupport}; both once slowed
 * every start and every {@code terminate()} (a writer's stop marker found with
 * {@code List.indexOf} on records; a record as the preload's sample task).
 */
@Tag("churn")
class StartPathTest {

    @TempDir
    Path directory;

    @Test
    void aColdChildThatRunsAnEmptyTargetNeverSetsUpRecordMethods() throws Exception {
        Path log = directory.resolve("classes.log");
        ChildProcess child = Multiprocessing.context("local").builder(StartPathTest::nothing)
                .jvmOptions("-Xlog:class+load=info:file=" + log)
                .build();
        child.start();
        assertTrue(child.join(Duration.ofSeconds(60)), "the child ended");
        assertEquals(0, child.exitCode().getAsInt());
        child.close();
        String loaded = Files.readString(log);
        assertTrue(loaded.contains("io.github.multiprocessing4j.internal.process.ChildRuntime "),
                "the log is the child's");
        assertFalse(loaded.contains("java.lang.runtime.ObjectMethods "), "a record's equals, hashCode or toString ran");
        assertFalse(loaded.contains("java.io.ObjectStreamClass$RecordSupport "), "a record was deserialized");
    }

    private static void nothing() {
    }
}
