package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.process.ChildRuntime;
import java.io.IOException;
import java.io.Serial;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A process that computes a value in the child and hands it back:
 * {@link #result()} completes with the value once the process has ended, or fails with a
 * {@link ChildProcessException} whose cause is the child's exception (with the child's stack
 * trace). Python has this only through {@code Pool.apply_async}; here it is one process.
 *
 * <pre>{@code
 * CallableProcess<Integer> p = new CallableProcess<>(() -> 6 * 7);
 * p.start();
 * int answer = p.result().get();
 * }</pre>
 *
 * @param <T> the type of the value
 */
public class CallableProcess<T> extends ChildProcess {

    @Serial
    private static final long serialVersionUID = 1L;

    private static final byte VALUE = 0;
    private static final byte FAILURE = 1;

    /** What to compute; in the parent, null once {@link #start()} has sent it to the child. */
    private volatile SerializableCallable<T> callable;
    private transient volatile CompletableFuture<T> result;

    /**
     * A process that runs {@code callable} in the child.
     *
     * @param callable what to compute; never null
     */
    public CallableProcess(SerializableCallable<T> callable) {
        this.callable = Objects.requireNonNull(callable, "callable");
    }

    /**
     * In the child: computes the value and sends it, or the exception, to the parent. An
     * exception is also rethrown, so the process ends as any failing process does (exit code 1
     * and its stack trace on stderr, SPEC L14). Called directly, runs the callable here and
     * sends nothing.
     *
     * @throws IllegalStateException if called in the parent after {@link #start()}, which
     *     released the callable once the child had it (Python drops its target there too)
     */
    @Override
    public final void run() {
        boolean inChild = io.github.multiprocessing4j.internal.process.CurrentProcess.get().isRunning(this);
        SerializableCallable<T> task = callable;
        if (task == null) {
            throw new IllegalStateException("the callable of process '" + getName()
                    + "' was released when the process started: it runs in the child");
        }
        T value;
        try {
            value = task.call();
        } catch (Exception | Error e) {
            if (inChild) {
                send(FAILURE, failureBytes(e));
            }
            if (e instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw new ChildProcessException(getName(), "the callable of process '" + getName() + "' threw " + e, e);
        }
        if (inChild) {
            byte[] bytes;
            try {
                bytes = Payloads.serialize(value);
            } catch (IllegalArgumentException cannotSend) {
                send(FAILURE, failureBytes(cannotSend));
                throw cannotSend;
            }
            send(VALUE, bytes);
        }
    }

    @Override
    void releaseTarget() {
        super.releaseTarget();
        callable = null;
    }

    private static byte[] failureBytes(Throwable failure) {
        try {
            return Payloads.serialize(failure);
        } catch (IllegalArgumentException notSerializable) {
            RuntimeException stand = new RuntimeException(failure.toString());
            stand.setStackTrace(failure.getStackTrace());
            return Payloads.serialize(stand);
        }
    }

    private static void send(byte kind, byte[] bytes) {
        byte[] framed = new byte[bytes.length + 1];
        framed[0] = kind;
        System.arraycopy(bytes, 0, framed, 1, bytes.length);
        try {
            ChildRuntime.sendResult(framed);
        } catch (IOException e) {
            throw new IllegalStateException("the parent is gone: the result cannot be sent", e);
        }
    }

    /**
     * The value, once the process has ended.
     *
     * @return a future of the value; its {@code get()} throws an {@code ExecutionException} whose
     *     cause is the child's own exception (with the child's stack trace and, suppressed, a
     *     {@link ChildProcessException} naming the process), or a {@link ChildProcessException}
     *     giving the exit code when the process ended without a value
     * @throws IllegalStateException "can only wait for a started process" before start
     */
    public final synchronized CompletableFuture<T> result() {
        if (result == null) {
            result = onExit().thenApply(ended -> decode(resultBytes()));
        }
        return result.copy();
    }

    @SuppressWarnings("unchecked")
    private T decode(byte[] framed) {
        if (framed == null || framed.length == 0) {
            throw new ChildProcessException(getName(), "process '" + getName() + "' ended with exit code "
                    + exitCode().orElse(Integer.MIN_VALUE) + " before returning a value", null);
        }
        byte[] bytes = new byte[framed.length - 1];
        System.arraycopy(framed, 1, bytes, 0, bytes.length);
        Object decoded = Payloads.deserialize(bytes);
        if (framed[0] == FAILURE) {
            Throwable failure = (Throwable) decoded;
            // Failures' rule: the future fails with the child's own exception, marked with the process
            throw new CompletionException(Failures.childsOwn(
                    new ChildProcessException(getName(), "process '" + getName() + "' failed: " + failure, failure)));
        }
        return (T) decoded;
    }
}
