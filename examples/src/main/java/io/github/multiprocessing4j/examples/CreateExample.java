package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.ChildProcess;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code create}: five children run {@code fun1("Python")}, each printing {@code 测试Python多进程};
 * the parent waits for all of them and prints {@code 结束测试}. Python: {@code Process(target=fun1,
 * args=('Python',))}; here the target and its argument are one serializable lambda.
 */
public final class CreateExample {

    private CreateExample() {
    }

    static void fun1(String name) {
        System.out.println("测试" + name + "多进程");
    }

    /**
     * Runs the program.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while joining
     */
    public static void main(String... args) throws InterruptedException {
        List<ChildProcess> processList = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // 开启5个子进程执行fun1函数
            ChildProcess p = new ChildProcess(() -> fun1("Python")); // 实例化进程对象
            p.start();
            processList.add(p);
        }
        // The seed's loop joins its last `p` five times; join each one, as it means to.
        for (ChildProcess p : processList) {
            p.join();
        }
        System.out.println("结束测试");
    }
}
