package io.github.multiprocessing4j.internal;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.ProcessInfo;
import io.github.multiprocessing4j.SerializableRunnable;
import java.util.List;

/**
 * Work a warm standby JVM does before it has a task, so that the task itself starts fast:
 * loading and linking what decoding and running a typical task needs (object streams,
 * lambda deserialization, the child's own classes).
 */
final class Preload {

    private Preload() {
    }

    static void classesOfATask() {
        try {
            SerializableRunnable sample = Preload::nothing;
            byte[] encoded = TaskCodec.encode(TaskCodec.serializeProcess(new ChildProcess(sample)), 1,
                    new ProcessInfo("MainProcess", 1, false, List.of()), false);
            TaskCodec.decode(encoded).process().run();
            new EndReport(EndReport.Kind.RETURNED, 0, 0).encode();
            Signals.class.getName();
        } catch (Exception e) {
            // only an optimisation: the task will load what it needs
        }
    }

    private static void nothing() {
    }
}
