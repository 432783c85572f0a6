package io.github.multiprocessing4j.internal.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this JVM is in the process tree: {@code MainProcess}, or a child running one
 * process object ({@link ProcessBody}) (SPEC L2, L4, L12). Python: {@code _current_process},
 * {@code _parent_process} and {@code _process_counter}.
 */
public final class CurrentProcess {

    private static volatile CurrentProcess instance = new CurrentProcess(
            new ProcessDescription("MainProcess", ProcessHandle.current().pid(), false, List.of()), null, null);

    private final ProcessDescription base;
    private final ProcessDescription parent;
    private final ProcessBody running;
    private final AtomicInteger counter = new AtomicInteger();
    /** Made on first use: a child that starts no process of its own never needs it. */
    private volatile String token;

    private CurrentProcess(ProcessDescription base, ProcessDescription parent, ProcessBody running) {
        this.base = base;
        this.parent = parent;
        this.running = running;
    }

    /**
     * The current process, never null.
     *
     * @return this JVM's process state
     */
    public static CurrentProcess get() {
        return instance;
    }

    /**
     * Called once by the child runtime before user code runs: this JVM becomes the child.
     *
     * @param self the deserialized process object the child runs
     * @param pid the pid the parent sees for this process
     * @param parent the creating process
     */
    static void becomeChild(ProcessBody self, long pid, ProcessDescription parent) {
        instance = new CurrentProcess(new ProcessDescription(self.name(), pid, self.isDaemon(), self.identity()),
                parent, self);
    }

    /**
     * This process's description; in a child, with the name its process object has now.
     *
     * @return the description, never null
     */
    public ProcessDescription info() {
        if (running == null) {
            return base;
        }
        return new ProcessDescription(running.name(), base.pid(), running.isDaemon(), base.identity());
    }

    /**
     * The creating process; empty in the main JVM.
     *
     * @return the parent, never null
     */
    public Optional<ProcessDescription> parent() {
        return Optional.ofNullable(parent);
    }

    /**
     * A random token identifying this JVM: only the JVM that created a process object may
     * start, join or test it.
     *
     * @return the token, never null
     */
    public String token() {
        String made = token;
        if (made == null) {
            synchronized (this) {
                if (token == null) {
                    token = UUID.randomUUID().toString();
                }
                made = token;
            }
        }
        return made;
    }

    /**
     * Whether {@code process} is the process object this JVM is running as a child.
     *
     * @param process a process object
     * @return true in the child, for its own process object
     */
    public boolean isRunning(Object process) {
        return running != null && running.represents(process);
    }

    /**
     * The identity of the next process created here: this process's identity plus the next
     * number of a counter starting at 1 (SPEC L2).
     *
     * @return the new identity, never null
     */
    public int[] nextChildIdentity() {
        List<Integer> mine = new ArrayList<>(base.identity());
        mine.add(counter.incrementAndGet());
        return mine.stream().mapToInt(Integer::intValue).toArray();
    }
}
