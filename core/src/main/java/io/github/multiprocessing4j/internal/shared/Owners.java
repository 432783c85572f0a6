package io.github.multiprocessing4j.internal.shared;

/** Who holds a reentrant lock: a thread of a process, across the whole process tree. */
public final class Owners {

    private Owners() {
    }

    /**
     * The calling thread's owner key.
     *
     * @return this JVM's token and the thread's id
     */
    public static String current() {
        return SharedObjects.jvmToken() + ":" + Thread.currentThread().getId();
    }
}
