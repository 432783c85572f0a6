package io.github.multiprocessing4j;

import java.util.Arrays;
import java.util.concurrent.ExecutionException;

/**
 * The one rule for how a child's failure reaches a {@code Future}-style method
 * ({@link AsyncResult#get()}, {@link CallableProcess#result()}'s {@code get()}, their
 * {@code CompletableFuture}s): an {@link ExecutionException} whose cause is the child's own
 * exception, with its stack trace from the child and, suppressed, a {@link ChildProcessException}
 * that names the process; or, when the process ended without an exception of its own (killed, or
 * its worker died), a {@link ChildProcessException} that says how. Direct calls
 * ({@link Pool#apply}, {@link Pool#map}, {@link ResultIterator#next()}) throw that
 * {@link ChildProcessException} itself, unchecked, with the child's exception as its cause, as
 * {@code CompletableFuture.join()} throws a {@code CompletionException}.
 */
final class Failures {

    private Failures() {
    }

    /**
     * The child's own exception, marked with the process it came from; or the failure itself when
     * there is none.
     *
     * @param failure what the pool or the process reported
     * @return what a future's {@code ExecutionException} carries as its cause
     */
    static Throwable childsOwn(Throwable failure) {
        if (!(failure instanceof ChildProcessException child) || child.getCause() == null) {
            return failure;
        }
        Throwable own = child.getCause();
        synchronized (own) {
            boolean marked = Arrays.stream(own.getSuppressed()).anyMatch(s -> s instanceof ChildProcessException);
            if (!marked) {
                ChildProcessException where = new ChildProcessException(child.processName(), child.getMessage(), null);
                where.setStackTrace(new StackTraceElement[0]);
                own.addSuppressed(where);
            }
        }
        return own;
    }

    /**
     * The exception a {@code Future}-style {@code get()} throws for {@code failure}.
     *
     * @param failure what the pool or the process reported
     * @return an exception whose message names the process and whose cause is the child's own
     *     exception
     */
    static ExecutionException executionException(Throwable failure) {
        return new ExecutionException(failure.getMessage(), childsOwn(failure));
    }
}
