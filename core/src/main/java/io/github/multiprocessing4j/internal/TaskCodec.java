package io.github.multiprocessing4j.internal;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.ProcessInfo;
import io.github.multiprocessing4j.TargetNotSerializableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectOutputStream;
import java.util.List;

/**
 * Encodes what a child needs (SPEC C1): its process object, serialized in the parent at
 * {@code start()} (L10), and the pid and parent it will report (L12).
 */
final class TaskCodec {

    /**
     * Bounds on what a child deserializes from its parent (SPEC C3). The parent is
     * authenticated, but a task that explodes into millions of objects still fails cleanly.
     */
    private static final ObjectInputFilter TASK_FILTER =
            ObjectInputFilter.Config.createFilter("maxdepth=200;maxrefs=10000000;maxbytes=268435456");

    private TaskCodec() {
    }

    /** The task as the child will receive it. */
    record Task(ChildProcess process, long pid, ProcessInfo parent, boolean dieWithParent) {
    }

    /**
     * Serializes the process object.
     *
     * @throws TargetNotSerializableException naming the offending class and where it was found
     */
    static byte[] serializeProcess(ChildProcess process) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(process);
        } catch (NotSerializableException e) {
            throw SerializationDiagnostics.explain(process, e);
        } catch (IOException e) {
            throw new TargetNotSerializableException("the target of process '" + process.getName()
                    + "' cannot be serialized: " + e, String.valueOf(e.getMessage()), e);
        }
        return bytes.toByteArray();
    }

    static byte[] encode(byte[] process, long pid, ProcessInfo parent, boolean dieWithParent) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(process.length + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(pid);
            out.writeBoolean(dieWithParent);
            out.writeUTF(parent.name());
            out.writeLong(parent.pid());
            out.writeBoolean(parent.isDaemon());
            out.writeInt(parent.identity().size());
            for (int number : parent.identity()) {
                out.writeInt(number);
            }
            out.writeInt(process.length);
            out.write(process);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes a task in the child. Every length is checked against the bytes that are left
     * before anything is allocated, so corrupted bytes fail as an {@link IOException}.
     *
     * @throws ClassNotFoundException if a class of the target is missing in the child
     * @throws IOException if the bytes are not a whole task (truncated, a length that does not
     *     fit, an object that is not a {@link ChildProcess} or that the filter refuses)
     */
    static Task decode(byte[] encoded) throws IOException, ClassNotFoundException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded));
        long pid = in.readLong();
        boolean dieWithParent = in.readBoolean();
        String parentName = in.readUTF();
        long parentPid = in.readLong();
        boolean parentDaemon = in.readBoolean();
        int depth = checkedLength(in.readInt(), Integer.BYTES, in.available(), "identity");
        Integer[] identity = new Integer[depth];
        for (int i = 0; i < depth; i++) {
            identity[i] = in.readInt();
        }
        byte[] process = new byte[checkedLength(in.readInt(), 1, in.available(), "process object")];
        in.readFully(process);
        Payloads.ContextObjectInputStream stream = null;
        try (Payloads.ContextObjectInputStream objects = new Payloads.ContextObjectInputStream(process)) {
            stream = objects;
            objects.setObjectInputFilter(Payloads.filter(TASK_FILTER, process.length));
            Object object = objects.readObject();
            if (!(object instanceof ChildProcess child)) {
                throw new InvalidClassException("the task is a "
                        + (object == null ? "null" : object.getClass().getName()) + ", not a ChildProcess");
            }
            return new Task(child, pid, new ProcessInfo(parentName, parentPid, parentDaemon, List.of(identity)),
                    dieWithParent);
        } catch (ClassCastException e) {
            if (stream != null && stream.missingClass() != null) {
                throw new ClassNotFoundException(stream.missingClass(), e);
            }
            throw corrupted(e);
        } catch (RuntimeException e) {
            // ObjectInputStream fails on corrupted bytes in ways of its own (negative lengths, a
            // value of the wrong type, a missing handle): they are all a task that cannot be read
            throw corrupted(e);
        }
    }

    private static int checkedLength(int count, int bytesEach, int available, String what) throws IOException {
        if (count < 0 || (long) count * bytesEach > available) {
            throw new ProtocolException("a task whose " + what + " announces " + count + " entries in "
                    + available + " bytes");
        }
        return count;
    }

    private static IOException corrupted(RuntimeException e) {
        InvalidObjectException corrupted = new InvalidObjectException("a task that cannot be read: " + e);
        corrupted.initCause(e);
        return corrupted;
    }
}
