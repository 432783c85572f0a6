package io.github.multiprocessing4j.tck.scenarios;

import io.github.multiprocessing4j.ChildProcess;
import java.io.Serial;

/**
 * The seed's subclass example (SPEC L1, L2): its default name is {@code MyProcess-<n>}.
 */
public final class MyProcess extends ChildProcess {

    @Serial
    private static final long serialVersionUID = 1L;

    /** A process with the default name. */
    public MyProcess() {
    }

    @Override
    public void run() {
        System.out.println("测试" + getName() + "多进程");
    }
}
