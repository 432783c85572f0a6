package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.CallableProcess;
import io.github.multiprocessing4j.ChildProcessException;
import io.github.multiprocessing4j.Event;
import io.github.multiprocessing4j.Multiprocessing;
import java.io.IOException;
import java.io.Serial;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Values computed in a child: {@code CallableProcess}, whose {@code result()} completes with the
 * value the child's callable returned, or fails with a {@code ChildProcessException} that names
 * the process and whose cause is the child's exception, with the child's stack trace. A child
 * that ends without a value (killed, {@code System.exit}) fails it with a message that gives
 * the exit code.
 *
 * <p>{@code CallableProcess} is a subclass of {@code ChildProcess} without a builder, so these
 * processes use the default launcher, which the launcher module fixes with the system property
 * {@code multiprocessing4j.launcher} (as for the other suites' subclasses).
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class ResultSuite extends TckSuite {

    /** For subclasses. */
    protected ResultSuite() {
    }

    /** An exception the child cannot send as it is: one of its fields is not serializable. */
    static final class UnserializableFailure extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;
        @SuppressWarnings("serial") // deliberately not serializable: that is the test
        private final Object detail = new NotSerializable();

        UnserializableFailure(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return super.toString() + " (" + detail + ")";
        }
    }

    /** Fails in the child with an exception that says which process threw it. */
    static Object failInTheChild(String what) {
        throw new IllegalArgumentException(what + " in pid " + Multiprocessing.currentProcess().pid());
    }

    /** Fails in the child with an exception that cannot be serialized. */
    static Object failUnserializably() {
        throw new UnserializableFailure("cannot travel");
    }

    private <T> CallableProcess<T> startCallable(CallableProcess<T> process) {
        track(process).start();
        return process;
    }

    private static <T> T value(CallableProcess<T> process) throws Exception {
        return process.result().get(JOIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * What {@code result().get()} reported.
     *
     * @param cause the child's own exception, or null when it ended without one
     * @param where the exception that names the process: the cause's suppressed one, or the cause
     *     itself when the child ended without an exception
     */
    private record Failure(Throwable cause, ChildProcessException where) {
    }

    /** The Future rule: ExecutionException, the child's own exception as its cause (see Failures in core). */
    private static Failure failure(CallableProcess<?> process) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> process.result().get(JOIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS), process + ": result()");
        Throwable cause = e.getCause();
        if (cause instanceof ChildProcessException child) {
            return new Failure(null, child);
        }
        ChildProcessException where = Arrays.stream(cause.getSuppressed())
                .filter(ChildProcessException.class::isInstance).map(ChildProcessException.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("the child's exception carries no suppressed ChildProcessException "
                        + "naming the process: " + cause));
        return new Failure(cause, where);
    }

    private static boolean threwIn(Throwable failure, String methodName) {
        return Arrays.stream(failure.getStackTrace()).anyMatch(frame -> frame.getMethodName().equals(methodName));
    }

    @Test
    void result_isTheValueTheChildComputed() throws Exception {
        CallableProcess<List<Object>> computing = track(new CallableProcess<>(() -> Arrays.<Object>asList(6 * 7,
                Multiprocessing.currentProcess().name(), Multiprocessing.currentProcess().pid())));
        IllegalStateException early = assertThrows(IllegalStateException.class, computing::result);
        assertEquals("can only wait for a started process", early.getMessage(), "result() before start()");
        computing.start();
        CallableProcess<Object> returningNull = startCallable(new CallableProcess<>(() -> null));

        List<Object> value = value(computing);
        assertEquals(Arrays.asList(42, computing.getName(), computing.pid().getAsLong()), value,
                "the value, computed in the child that the parent knows by this name and pid");
        assertEquals(0, exitCodeAfterJoin(computing));
        computing.result().cancel(true);
        assertEquals(value, value(computing), "each result() is a copy: cancelling one changes nothing for the others");
        assertNull(value(returningNull), "a callable may return null");
        assertEquals(0, exitCodeAfterJoin(returningNull));
    }

    @Test
    void result_failsWithTheChildsExceptionItsStackTraceAndTheProcessName() throws Exception {
        CallableProcess<Object> unchecked = track(new CallableProcess<>(() -> failInTheChild("boom")));
        unchecked.setName("tck-failing");
        unchecked.start();
        CallableProcess<Object> checked = startCallable(new CallableProcess<>(() -> {
            throw new IOException("disk full in pid " + Multiprocessing.currentProcess().pid());
        }));

        Failure failure = failure(unchecked);
        assertEquals("tck-failing", failure.where().processName());
        assertTrue(failure.where().getMessage().contains("tck-failing"), "the message names the process: " + failure.where());
        Throwable cause = assertInstanceOf(IllegalArgumentException.class, failure.cause());
        assertEquals("boom in pid " + unchecked.pid().getAsLong(), cause.getMessage(), "the child's own exception");
        assertTrue(threwIn(cause, "failInTheChild"),
                "the child's stack trace, down to the method that threw: " + Arrays.toString(cause.getStackTrace()));
        assertEquals(1, exitCodeAfterJoin(unchecked), "the child ended as any failing process does (SPEC L14)");

        Failure checkedFailure = failure(checked);
        assertEquals(checked.getName(), checkedFailure.where().processName());
        Throwable checkedCause = assertInstanceOf(IOException.class, checkedFailure.cause(), "a checked exception");
        assertEquals("disk full in pid " + checked.pid().getAsLong(), checkedCause.getMessage());
        assertEquals(1, exitCodeAfterJoin(checked));
    }

    @Test
    void result_ofAChildThatEndedWithoutAValueFailsGivingTheExitCode() throws Exception {
        Event running = new Event();
        CallableProcess<String> killed = startCallable(new CallableProcess<>(() -> {
            running.set();
            Targets.sleep(Targets.MAX_WAIT.toMillis()); // killed while it sleeps
            return "too late";
        }));
        CallableProcess<String> exiting = startCallable(new CallableProcess<>(() -> {
            Targets.exit(3);
            return "never";
        }));
        assertTrue(running.await(READY_TIMEOUT), "the callable runs");
        killed.kill();

        Failure killedFailure = failure(killed);
        assertEquals(-9, exitCodeAfterJoin(killed));
        assertEquals(killed.getName(), killedFailure.where().processName());
        assertTrue(killedFailure.where().getMessage().contains(killed.getName())
                        && killedFailure.where().getMessage().contains("exit code -9"),
                "the message names the process and its exit code: " + killedFailure.where().getMessage());
        assertNull(killedFailure.cause(), "no exception was thrown in the child");

        Failure exitFailure = failure(exiting);
        assertEquals(3, exitCodeAfterJoin(exiting));
        assertTrue(exitFailure.where().getMessage().contains("exit code 3"),
                "the message gives the exit code: " + exitFailure.where().getMessage());
        assertNull(exitFailure.cause());
    }

    @Test
    void result_anExceptionThatCannotBeSerializedStillReachesTheParentAsTextWithItsStackTrace() throws Exception {
        CallableProcess<Object> process = startCallable(new CallableProcess<>(ResultSuite::failUnserializably));
        Failure failure = failure(process);
        Throwable cause = failure.cause();
        assertTrue(cause != null && cause.getMessage().contains(UnserializableFailure.class.getName())
                        && cause.getMessage().contains("cannot travel"),
                "the cause carries the class and message of the child's exception: " + cause);
        assertTrue(threwIn(cause, "failUnserializably"),
                "and its stack trace: " + Arrays.toString(cause.getStackTrace()));
        assertEquals(1, exitCodeAfterJoin(process));
    }

    @Test
    void result_aValueThatCannotBeSerializedFailsNamingItsClass() throws Exception {
        CallableProcess<NotSerializable> process = startCallable(new CallableProcess<>(NotSerializable::new));
        Failure failure = failure(process);
        String told = failure.where().getMessage() + (failure.cause() == null ? "" : " / caused by " + failure.cause());
        assertTrue(told.contains(NotSerializable.class.getName()),
                "the failure says the value of class " + NotSerializable.class.getName()
                        + " could not be sent back: " + told);
        assertEquals(1, exitCodeAfterJoin(process));
    }
}
