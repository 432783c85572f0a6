package io.github.multiprocessing4j.tck.scenarios;

import static io.github.multiprocessing4j.tck.scenarios.ScenarioSupport.print;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.ProcessInfo;
import io.github.multiprocessing4j.tck.TckLauncher;
import java.util.Optional;

/**
 * SPEC L3 and L12: what a child sees of itself and of its parent, next to what the parent sees.
 * Mode {@code view}: a non-daemon and a daemon child print their view. Mode {@code rename}: the
 * process is renamed before start, after start and after close; the child prints its name.
 */
public final class ChildViewScenario {

    private ChildViewScenario() {
    }

    /**
     * Runs the scenario.
     *
     * @param args {@code view} or {@code rename}
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        TckLauncher launcher = ScenarioSupport.launcher();
        if (args[0].equals("rename")) {
            ChildProcess process = launcher.builder(() -> print("child.name", Multiprocessing.currentProcess().name()))
                    .name("tck-built").build();
            process.setName("tck-at-start");
            process.start();
            process.setName("tck-after-start");
            print("parent.after.start", process.getName());
            process.join();
            print("exit", process.exitCode().orElse(Integer.MIN_VALUE));
            process.close();
            process.setName("tck-after-close");
            print("parent.after.close", process.getName());
            return;
        }
        ProcessInfo main = Multiprocessing.currentProcess();
        print("main.name", main.name());
        print("main.pid", main.pid());
        print("main.os.pid", ProcessHandle.current().pid());
        print("main.parent.present", Multiprocessing.parentProcess().isPresent());
        ChildProcess child = launcher.builder(() -> printView("child")).name("tck-view").build();
        ChildProcess daemon = launcher.builder(() -> printView("daemonchild")).name("tck-view-daemon").daemon(true).build();
        child.start();
        daemon.start();
        for (String prefix : new String[] {"child", "daemonchild"}) {
            ChildProcess process = prefix.equals("child") ? child : daemon;
            print("parent." + prefix + ".name", process.getName());
            print("parent." + prefix + ".pid", process.pid().orElse(-1));
            print("parent." + prefix + ".identity", process.identity());
        }
        child.join();
        daemon.join();
        print("child.exit", child.exitCode().orElse(Integer.MIN_VALUE));
        print("daemonchild.exit", daemon.exitCode().orElse(Integer.MIN_VALUE));
    }

    private static void printView(String prefix) {
        ProcessInfo current = Multiprocessing.currentProcess();
        print(prefix + ".name", current.name());
        print(prefix + ".pid", current.pid());
        print(prefix + ".os.pid", ProcessHandle.current().pid());
        print(prefix + ".daemon", current.isDaemon());
        print(prefix + ".identity", current.identity());
        Optional<ProcessInfo> parent = Multiprocessing.parentProcess();
        print(prefix + ".parent.present", parent.isPresent());
        parent.ifPresent(info -> {
            print(prefix + ".parent.name", info.name());
            print(prefix + ".parent.pid", info.pid());
        });
    }
}
