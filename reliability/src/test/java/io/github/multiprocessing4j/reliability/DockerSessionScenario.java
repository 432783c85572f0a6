package io.github.multiprocessing4j.reliability;

import io.github.multiprocessing4j.ChildProcess;

/**
 * The next session on the same Docker engine, after parents were killed: it starts one
 * container child and joins it (which makes the docker launcher connect, and remove what dead
 * parents left), then waits up to {@code args[0]} ms for the test to see that the leftovers are
 * gone (the removal runs in the background of the launcher) and prints the child's exit code.
 */
public final class DockerSessionScenario {

    private DockerSessionScenario() {
    }

    /**
     * Runs the scenario.
     *
     * @param args how long to stay alive after the child, in ms
     * @throws InterruptedException never expected
     */
    public static void main(String[] args) throws InterruptedException {
        ChildProcess child = Children.builder(Children::nothing).name("next-session").build();
        child.start();
        System.out.println("EXIT " + Children.joinWithDeadline(child));
        System.out.flush();
        Children.sleep(Long.parseLong(args[0]));
    }
}
