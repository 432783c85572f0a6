package io.github.multiprocessing4j.launcher.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.WaitResponse;
import io.github.multiprocessing4j.spi.LineForwarder;
import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A long-lived response from the engine (the wait for a container's exit, or its attached
 * output), as futures: {@link #started()} once the engine has answered (so it is registered
 * before the container starts), {@link #ended()} once the response is over.
 *
 * <p>Unlike docker-java's {@code ResultCallbackTemplate}, a stream this side closed ends
 * quietly: no error is logged for it.
 *
 * @param <T> the type of the items the engine sends
 */
abstract class EngineStream<T> implements ResultCallback<T> {

    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private Closeable response;
    private boolean closed;

    /**
     * Completes when the engine has answered the request; exceptionally if it refused it.
     *
     * @return the future, never null
     */
    final CompletableFuture<Void> started() {
        return started;
    }

    /**
     * Completes when the response is over: normally at its end or when this side closed it,
     * exceptionally when the connection failed.
     *
     * @return the future, never null
     */
    final CompletableFuture<Void> ended() {
        return ended;
    }

    @Override
    public final void onStart(Closeable stream) {
        boolean closeNow;
        synchronized (this) {
            response = stream;
            closeNow = closed;
        }
        if (closeNow) {
            closeQuietly(stream);
        }
        started.complete(null);
    }

    @Override
    public final void onError(Throwable failure) {
        boolean byUs;
        synchronized (this) {
            byUs = closed;
        }
        started.completeExceptionally(failure);
        if (byUs) {
            end(null);
        } else {
            end(failure);
        }
    }

    @Override
    public final void onComplete() {
        started.complete(null);
        end(null);
    }

    /** Ends the response from this side; what was received so far is kept. Idempotent. */
    @Override
    public final void close() {
        Closeable open;
        synchronized (this) {
            closed = true;
            open = response;
        }
        if (open != null) {
            closeQuietly(open);
        }
        started.completeExceptionally(new IOException("closed before the engine answered"));
        end(null);
    }

    private void end(Throwable failure) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        onEnd(failure);
        if (failure == null) {
            ended.complete(null);
        } else {
            ended.completeExceptionally(failure);
        }
    }

    /**
     * Called once, when the response is over, before {@link #ended()} completes.
     *
     * @param failure why the connection failed, or null if it ended normally or was closed here
     */
    abstract void onEnd(Throwable failure);

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException e) {
            // the stream is being abandoned: nothing left to do with it
        }
    }

    /**
     * The wait for a container's next exit: {@link #status()} completes with the raw exit
     * status, or exceptionally if the response ends without one (the engine went away).
     */
    static final class ExitWait extends EngineStream<WaitResponse> {

        private final CompletableFuture<Integer> status = new CompletableFuture<>();

        CompletableFuture<Integer> status() {
            return status;
        }

        @Override
        public void onNext(WaitResponse response) {
            if (response != null && response.getStatusCode() != null) {
                status.complete(response.getStatusCode());
            }
        }

        @Override
        void onEnd(Throwable failure) {
            if (failure != null) {
                status.completeExceptionally(failure);
            } else {
                status.completeExceptionally(new IOException("the engine ended the wait without an exit status"));
            }
        }
    }

    /**
     * A container's attached standard output and error, copied line by line to the parent's.
     */
    static final class Output extends EngineStream<Frame> {

        private final LineForwarder out;
        private final LineForwarder err;

        Output(LineForwarder out, LineForwarder err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public void onNext(Frame frame) {
            byte[] payload = frame.getPayload();
            if (payload == null || payload.length == 0) {
                return;
            }
            switch (frame.getStreamType()) {
                case STDERR -> err.write(payload);
                case STDOUT, RAW -> out.write(payload);
                default -> {
                    // STDIN is never attached
                }
            }
        }

        @Override
        void onEnd(Throwable failure) {
            out.flush();
            err.flush();
        }
    }
}
