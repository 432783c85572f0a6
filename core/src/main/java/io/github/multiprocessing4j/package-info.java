/**
 * Python's {@code multiprocessing} for the JVM: {@link io.github.multiprocessing4j.ChildProcess}
 * and its lifecycle, {@link io.github.multiprocessing4j.Multiprocessing} (current and parent
 * process, active children, start methods), the objects processes share
 * ({@link io.github.multiprocessing4j.Queue}, {@link io.github.multiprocessing4j.Pipe}, the locks
 * and their friends), {@link io.github.multiprocessing4j.Manager} and its proxies,
 * {@link io.github.multiprocessing4j.CallableProcess}, {@link io.github.multiprocessing4j.Pool} and
 * {@link io.github.multiprocessing4j.ProcessPoolExecutor}.
 *
 * <p>This package calls into the library's internals; the internals never use its classes back,
 * with two kinds of exceptions that cross the boundary by design: the exceptions a user catches
 * ({@link io.github.multiprocessing4j.AuthenticationException},
 * {@link io.github.multiprocessing4j.ChildProcessException},
 * {@link io.github.multiprocessing4j.LauncherNotFoundException},
 * {@link io.github.multiprocessing4j.ProcessStartException},
 * {@link io.github.multiprocessing4j.QueueEmptyException},
 * {@link io.github.multiprocessing4j.QueueFullException},
 * {@link io.github.multiprocessing4j.QueueShutDownException},
 * {@link io.github.multiprocessing4j.TargetNotSerializableException}), which internals throw as
 * they are, and the serializable functional interfaces a user's code arrives in
 * ({@link io.github.multiprocessing4j.SerializableRunnable},
 * {@link io.github.multiprocessing4j.SerializableCallable},
 * {@link io.github.multiprocessing4j.SerializableFunction},
 * {@link io.github.multiprocessing4j.SerializableBiFunction}), which internals run. A test in
 * core checks this, and that the internal packages have no cycle.
 */
package io.github.multiprocessing4j;
