package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the seed's programs: {@code java -jar multiprocessing4j-examples.jar <program>}, with
 * {@code <program>} one of {@code create}, {@code subclass}, {@code name}, {@code pid},
 * {@code daemon}, {@code terminate} (the seed's programs), {@code pipe}, {@code queue},
 * {@code result} (processes that talk), {@code pool} (a process pool), {@code executor} (an
 * {@code ExecutorService} of worker processes), {@code interop} (a Java {@code Client} and a
 * CPython {@code Listener}), {@code shared} (a {@code Value} and an {@code Array} shared by
 * children), {@code manager} (a manager's dict and list), or {@code tour} for all of them in turn.
 *
 * <p>The launcher is chosen as for any program ({@code -Dmultiprocessing4j.launcher=docker},
 * {@code MULTIPROCESSING4J_LAUNCHER}, or the default): the same jar runs on every launcher.
 * Usage errors go to stderr with exit code 2; stdout carries only the programs' output.
 */
public final class Examples {

    /** A program: the {@code main} of one example class. */
    @FunctionalInterface
    private interface Program {
        void run() throws Exception;
    }

    private static final Map<String, Program> PROGRAMS = new LinkedHashMap<>();

    static {
        PROGRAMS.put("create", CreateExample::main);
        PROGRAMS.put("subclass", SubclassExample::main);
        PROGRAMS.put("name", NameExample::main);
        PROGRAMS.put("pid", PidExample::main);
        PROGRAMS.put("daemon", DaemonExample::main);
        PROGRAMS.put("terminate", TerminateExample::main);
        PROGRAMS.put("pipe", PipeExample::main);
        PROGRAMS.put("queue", QueueExample::main);
        PROGRAMS.put("result", ResultExample::main);
        PROGRAMS.put("pool", PoolExample::main);
        PROGRAMS.put("executor", ExecutorExample::main);
        PROGRAMS.put("interop", InteropExample::main);
        PROGRAMS.put("shared", SharedExample::main);
        PROGRAMS.put("manager", ManagerExample::main);
    }

    /**
     * The tour's order: the seed's programs, then those that talk between processes. {@code daemon}
     * comes last because its point is what happens when the parent exits, and only the last
     * program ends with a real exit of this JVM.
     */
    private static final List<String> TOUR = List.of("create", "subclass", "name", "pid", "terminate",
            "pipe", "queue", "result", "daemon");

    /** How long a daemon child may take to end after SIGTERM before it gets SIGKILL. */
    private static final Duration DAEMON_GRACE = Duration.ofSeconds(5);

    private Examples() {
    }

    /**
     * Runs the program named by the first argument.
     *
     * @param args the program's name
     * @throws Exception what the program throws: interrupted while waiting for a child, or a
     *     pipe's end of stream
     */
    public static void main(String... args) throws Exception {
        if (args.length != 1 || !(PROGRAMS.containsKey(args[0]) || "tour".equals(args[0]))) {
            System.err.println(usage(args));
            System.exit(2);
        }
        if ("tour".equals(args[0])) {
            tour();
        } else {
            PROGRAMS.get(args[0]).run();
        }
    }

    private static void tour() throws Exception {
        for (int i = 0; i < TOUR.size(); i++) {
            String name = TOUR.get(i);
            if (i > 0) {
                System.out.println();
            }
            System.out.println("== " + name + " ==");
            PROGRAMS.get(name).run();
            if (i < TOUR.size() - 1) {
                endAsAtExit();
            }
        }
        // The last program ends for real: main returns and this JVM's exit ends its children.
    }

    /**
     * Each program of the tour would end with its process's exit, which ends the children it
     * left running (SPEC L23, Python's {@code _exit_function}): daemons are terminated, the
     * others joined. Do the same here, so that a program's children end before the next
     * program's heading, exactly as they would have ended had the program run alone.
     */
    private static void endAsAtExit() throws InterruptedException {
        List<ChildProcess> children = Multiprocessing.activeChildren();
        for (ChildProcess child : children) {
            if (child.isDaemon()) {
                child.terminate();
            }
        }
        for (ChildProcess child : children) {
            if (child.isDaemon() && !child.join(DAEMON_GRACE)) {
                child.kill();
            }
            child.join();
        }
    }

    private static String usage(String... args) {
        String problem = args.length == 0 ? "no program given"
                : args.length > 1 ? "one program at a time, not " + String.join(" ", args)
                : "unknown program '" + args[0] + "'";
        return problem + "\n"
                + "usage: java [-Dmultiprocessing4j.launcher=<launcher>] -jar multiprocessing4j-examples.jar <program>\n"
                + "programs:\n"
                + "  create     five children print 测试Python多进程, then the parent prints 结束测试\n"
                + "  subclass   the same, with a subclass of ChildProcess that overrides run()\n"
                + "  name       a process named foo_process and one with the default name\n"
                + "  pid        the same, each child printing its pid instead of its name\n"
                + "  daemon     a daemon child is ended by the parent's exit, a non-daemon child is awaited\n"
                + "  terminate  a child is terminated right after it started: exit code -15\n"
                + "  pipe       a child sends [42, null, hello] through a Pipe, the parent prints it\n"
                + "  queue      a producer child puts items on a Queue, a consumer child prints them\n"
                + "  result     a CallableProcess hands back its value, another one its exception\n"
                + "  pool       a Pool of five workers maps x -> x * x over [1, 2, 3]: [1, 4, 9]\n"
                + "  executor   a ProcessPoolExecutor checks six numbers for primality, composing CompletableFutures\n"
                + "  interop    a Java Client talks to a CPython Listener started with python3\n"
                + "  shared     four children count in a Value under its lock and fill an Array\n"
                + "  manager    a child writes a Manager's dict and reverses its list, the parent prints both\n"
                + "  tour       all of them, one after the other";
    }
}
