package io.github.multiprocessing4j.internal;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.ProcessInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this JVM is in the process tree: {@code MainProcess}, or a child running one
 * {@link ChildProcess} (SPEC L2, L4, L12). Python: {@code _current_process},
 * {@code _parent_process} and {@code _process_counter}.
 */
public final class CurrentProcess {

    private static volatile CurrentProcess instance = new CurrentProcess(
            new ProcessInfo("MainProcess", ProcessHandle.current().pid(), false, List.of()), null, null);

    private final ProcessInfo base;
    private final ProcessInfo parent;
    private final ChildProcess running;
    private final AtomicInteger counter = new AtomicInteger();
    /** Made on first use: a child that starts no process of its own never needs it. */
    private volatile String token;

    private CurrentProcess(ProcessInfo base, ProcessInfo parent, ChildProcess running) {
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
    static void becomeChild(ChildProcess self, long pid, ProcessInfo parent) {
        instance = new CurrentProcess(new ProcessInfo(self.getName(), pid, self.isDaemon(), self.identity()),
                parent, self);
    }

    /**
     * This process's description; in a child, with the name its process object has now.
     *
     * @return the description, never null
     */
    public ProcessInfo info() {
        if (running == null) {
            return base;
        }
        return new ProcessInfo(running.getName(), base.pid(), running.isDaemon(), base.identity());
    }

    /**
     * The creating process; empty in the main JVM.
     *
     * @return the parent, never null
     */
    public Optional<ProcessInfo> parent() {
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
    public boolean isRunning(ChildProcess process) {
        return running != null && running == process;
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
