package io.github.multiprocessing4j.internal.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.internal.BackgroundCall;
import io.github.multiprocessing4j.internal.channel.CallRouter;
import io.github.multiprocessing4j.internal.codec.Payloads;
import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC M9 in one JVM: an object hosted for its handles is freed once no handle copy is
 * reachable here, none is in flight and no process below holds one; calls on
 * it then fail clearly. The processes below are played through the router, as the control
 * channel calls it for a child.
 */
@Timeout(BackgroundCall.TEST_SECONDS)
class SharedObjectsLifetimeTest {

    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);
    private final CallRouter router = SharedObjects.router();


    /** A handle as the public ones are: an id, tracked, counted while in flight. */
    static final class Handle implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        final String id;

        Handle(String id) {
            this.id = id;
            SharedObjects.track(this, id);
        }

        @Serial
        private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
            SharedObjects.sending(id);
            out.defaultWriteObject();
        }

        @Serial
        private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
            in.defaultReadObject();
            SharedObjects.received(this, id, null);
        }
    }

    private static String newQueue() {
        return SharedObjects.hostCounted(new HostedQueue(0));
    }

    /** Polls with full GCs until the condition holds; false at the deadline. */
    private static boolean afterGc(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return condition.getAsBoolean();
            }
            System.gc();
            Thread.sleep(10);
        }
        return true;
    }

    private static void put(String id, String message) throws Exception {
        SharedObjects.call(id, HostedQueue.PUT, message.getBytes(StandardCharsets.UTF_8), 0L);
    }

    @Test
    void anObjectIsFreedOnceItsLastHandleIsUnreachable() throws Exception {
        String id = newQueue();
        Handle handle = new Handle(id);
        Handle second = new Handle(id);
        put(handle.id, "kept");
        handle = null;
        System.gc();
        // the second copy keeps it
        assertTrue(SharedObjects.isHostedHere(second.id), SharedObjects.describeReferences(id));
        assertEquals(1, SharedObjects.call(second.id, HostedQueue.SIZE));
        second = null;
        assertTrue(afterGc(() -> !SharedObjects.isHostedHere(id)), SharedObjects.describeReferences(id));
    }

    @Test
    void aCallOnAFreedObjectFailsClearly() throws Exception {
        String id = newQueue();
        new Handle(id);
        assertTrue(afterGc(() -> !SharedObjects.isHostedHere(id)));
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> SharedObjects.call(id, HostedQueue.GET, Timeouts.FOREVER));
        assertTrue(failure.getMessage().contains("was freed"), failure.getMessage());
        assertThrows(IllegalStateException.class, () -> router.call(id, HostedQueue.SIZE, new Object[0], "7"));
        assertFalse(router.mayBlock(id, HostedQueue.GET, new Object[] {Timeouts.FOREVER}),
                "a call on a freed object is answered at once");
    }

    @Test
    void aCopyInFlightKeepsTheObjectUntilItIsDeserialized() throws Exception {
        String id = newQueue();
        Handle handle = new Handle(id);
        byte[] message = Payloads.serialize(handle);
        handle = null;
        assertTrue(afterGc(() -> SharedObjects.describeReferences(id).contains("copies=0")));
        assertTrue(SharedObjects.isHostedHere(id), "the copy in flight keeps it: " + SharedObjects.describeReferences(id));
        Handle received = (Handle) Payloads.deserialize(message);
        assertTrue(SharedObjects.describeReferences(id).contains("inFlight=0"), SharedObjects.describeReferences(id));
        put(received.id, "works");
        received = null;
        assertTrue(afterGc(() -> !SharedObjects.isHostedHere(id)), SharedObjects.describeReferences(id));
    }

    @Test
    void aProcessBelowThatHoldsACopyKeepsTheObjectUntilItLetsGoOrEnds() throws Exception {
        String held = newQueue();
        String letGo = newQueue();
        new Handle(held);
        new Handle(letGo);
        // child 3's child 1 holds the first; child 4 the second, then lets go
        router.post(held, SharedObjects.HOLD, new Object[] {0}, "3/1");
        router.post(letGo, SharedObjects.HOLD, new Object[] {0}, "4");
        System.gc();
        assertTrue(afterGc(() -> SharedObjects.describeReferences(held).contains("copies=0")));
        assertTrue(afterGc(() -> SharedObjects.describeReferences(letGo).contains("copies=0")));
        assertTrue(SharedObjects.isHostedHere(held));
        assertTrue(SharedObjects.isHostedHere(letGo));

        router.post(letGo, SharedObjects.UNHOLD, new Object[] {0}, "4");
        assertFalse(SharedObjects.isHostedHere(letGo));
        router.callerGone("3", true);
        assertFalse(SharedObjects.isHostedHere(held), "a process that ended releases what the processes below it held");
    }

    @Test
    void aCopyInAChildsTaskHoldsTheObjectFromTheStartUntilTheChildEnds() throws Exception {
        String id = newQueue();
        Handle handle = new Handle(id);
        SharedObjects.beginSendingToChild();
        Payloads.javaSerialization(handle);
        SharedObjects.endSendingToChild("9");
        handle = null;
        assertTrue(afterGc(() -> SharedObjects.describeReferences(id).contains("copies=0")));
        assertTrue(SharedObjects.isHostedHere(id));
        // the child deserialized its task, then its copy became unreachable
        router.post(id, SharedObjects.HOLD, new Object[] {1}, "9");
        assertTrue(SharedObjects.describeReferences(id).contains("expected={}"), SharedObjects.describeReferences(id));
        router.post(id, SharedObjects.UNHOLD, new Object[] {0}, "9");
        assertFalse(SharedObjects.isHostedHere(id));
    }

    @Test
    void aChildThatNeverDeserializedItsTaskReleasesItWhenItEnds() throws Exception {
        String id = newQueue();
        Handle handle = new Handle(id);
        SharedObjects.beginSendingToChild();
        Payloads.javaSerialization(handle);
        SharedObjects.endSendingToChild("10");
        handle = null;
        assertTrue(afterGc(() -> SharedObjects.describeReferences(id).contains("copies=0")));
        assertTrue(SharedObjects.isHostedHere(id));
        router.callerGone("10", true);
        assertFalse(SharedObjects.isHostedHere(id));
    }

    @Test
    void aPinnedObjectStaysUntilFreedExplicitly() throws Exception {
        String id = SharedObjects.host(new HostedQueue(0));
        int before = SharedObjects.hostedCount();
        System.gc();
        assertTrue(SharedObjects.isHostedHere(id));
        SharedObjects.free(id);
        assertFalse(SharedObjects.isHostedHere(id));
        assertEquals(before - 1, SharedObjects.hostedCount());
        assertThrows(IllegalStateException.class, () -> put(id, "late"));
    }
}
