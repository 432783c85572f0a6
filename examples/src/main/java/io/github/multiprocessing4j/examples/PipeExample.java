package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Connection;
import io.github.multiprocessing4j.Pipe;
import java.io.EOFException;
import java.util.Arrays;
import java.util.List;

/**
 * {@code pipe}: the example of Python's documentation for {@code Pipe()}. The child sends
 * {@code [42, None, 'hello']} through its end of the pipe and closes it; the parent receives the
 * list and prints it, {@code [42, null, hello]} in Java's words. The child's end travels to the
 * child captured in the target, as {@code args=(child_conn,)} does in Python.
 */
public final class PipeExample {

    private PipeExample() {
    }

    static void f(Connection conn) {
        conn.send(Arrays.asList(42, null, "hello"));
        conn.close();
    }

    /**
     * Runs the program.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while waiting
     * @throws EOFException if the child ended without sending anything
     */
    public static void main(String... args) throws InterruptedException, EOFException {
        Pipe pipe = Pipe.open();
        Connection parentConn = pipe.left();
        Connection childConn = pipe.right();
        ChildProcess p = new ChildProcess(() -> f(childConn));
        p.start();
        List<Object> received = parentConn.recv();
        System.out.println(received); // prints "[42, null, hello]"
        p.join();
    }
}
