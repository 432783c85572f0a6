package io.github.multiprocessing4j.internal;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.ProcessInfo;
import io.github.multiprocessing4j.SerializableRunnable;
import java.lang.invoke.MethodHandles;
import java.util.List;

/**
 * Work a child JVM does before it has its task (a warm standby), or while it connects (a cold
 * child, on a second thread), so that the task itself starts fast: loading, linking and
 * initialising what decoding, running and ending a typical task needs (object streams, lambda
 * deserialization, the child's own classes). It must end before the JVM becomes the child: it
 * creates a sample process object, which takes a number from the process counter.
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
            // what becoming the child and ending use: their static state is empty collections
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            for (Class<?> type : new Class<?>[] {SharedObjects.class, ShutdownSequence.class, ChildRegistry.class,
                ControlServer.class, CurrentProcess.class}) {
                lookup.ensureInitialized(type);
            }
        } catch (Exception e) {
            // only an optimisation: the task will load what it needs
        }
    }

    private static void nothing() {
    }
}
