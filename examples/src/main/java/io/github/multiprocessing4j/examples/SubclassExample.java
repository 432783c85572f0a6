package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.ChildProcess;
import java.io.Serial;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code subclass}: the same five children, written as a subclass of {@link ChildProcess} that
 * overrides {@code run()}. The whole {@code MyProcess} object, name included, travels to the
 * child, which runs its {@code run()}.
 */
public final class SubclassExample {

    private SubclassExample() {
    }

    /** Python: {@code class MyProcess(Process)} with {@code self.name = name} and {@code run()}. */
    static final class MyProcess extends ChildProcess { // 继承Process类

        @Serial
        private static final long serialVersionUID = 1L;

        MyProcess(String name) {
            setName(name);
        }

        @Override
        public void run() {
            System.out.println("测试" + getName() + "多进程");
        }
    }

    /**
     * Runs the program.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while joining
     */
    public static void main(String... args) throws InterruptedException {
        List<ChildProcess> processList = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ChildProcess p = new MyProcess("Python"); // 实例化进程对象
            p.start();
            processList.add(p);
        }
        for (ChildProcess p : processList) {
            p.join();
        }
        System.out.println("结束测试");
    }
}
