package io.github.multiprocessing4j.internal.process;

import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.internal.channel.ControlServer;
import io.github.multiprocessing4j.internal.channel.EndReport;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.io.Serial;
import java.lang.invoke.MethodHandles;
import java.util.List;

/**
 * Work a child JVM does before it has its task (a warm standby), or while it connects (a cold
 * child, on a second thread), so that the task itself starts fast: loading, linking and
 * initialising what decoding, running and ending a typical task needs (object streams, lambda
 * deserialization, the API's process classes, the child's own classes). It must end before the
 * JVM becomes the child.
 */
final class Preload {

    /**
     * The public classes every task deserializes. Named, not imported: internals never depend on
     * the public API; loading them early is only an optimisation.
     */
    private static final List<String> API_CLASSES = List.of("io.github.multiprocessing4j.ChildProcess",
            "io.github.multiprocessing4j.ChildProcess$Body", "io.github.multiprocessing4j.ProcessInfo");

    private Preload() {
    }

    static void classesOfATask() {
        try {
            ClassLoader loader = Preload.class.getClassLoader();
            for (String name : API_CLASSES) {
                Class.forName(name, true, loader);
            }
            byte[] encoded = TaskCodec.encode(TaskCodec.serializeProcess(new Sample(Sample::nothing)), 1,
                    new ProcessDescription("MainProcess", 1, false, List.of()), false);
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

    /**
     * A task like a user's: a process body, a plain serializable class as {@code ChildProcess}
     * and its body are, whose target is a serializable lambda. Not a record: a record is
     * deserialized through method handles spun for its canonical constructor, tens of
     * milliseconds of a cold JVM that a real task never needs and that the task waits for
     * (the child joins this work before it runs the task).
     */
    static final class Sample implements ProcessBody {
        @Serial
        private static final long serialVersionUID = 1L;

        private final SerializableRunnable target;
        private final String name = "preload";
        private final boolean daemon = false;

        Sample(SerializableRunnable target) {
            this.target = target;
        }

        static void nothing() {
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isDaemon() {
            return daemon;
        }

        @Override
        public List<Integer> identity() {
            return List.of();
        }

        @Override
        public void run() throws Exception {
            target.run();
        }

        @Override
        public boolean represents(Object processObject) {
            return processObject == this;
        }

        @Override
        public Object processObject() {
            return this;
        }
    }
}
