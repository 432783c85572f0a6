package io.github.multiprocessing4j.internal.process;

import io.github.multiprocessing4j.TargetNotSerializableException;
import io.github.multiprocessing4j.internal.channel.ProtocolException;
import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.codec.SerializationDiagnostics;
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
public final class TaskCodec {

    /**
     * Bounds on what a child deserializes from its parent (SPEC C3). The parent is
     * authenticated, but a task that explodes into millions of objects still fails cleanly.
     */
    private static final ObjectInputFilter TASK_FILTER =
            ObjectInputFilter.Config.createFilter("maxdepth=200;maxrefs=10000000;maxbytes=268435456");

    private TaskCodec() {
    }

    /** The task as the child will receive it. */
    record Task(ProcessBody process, long pid, ProcessDescription parent, boolean dieWithParent,
                String sharedMemoryDirectory) {
    }

    /**
     * Serializes the process object.
     *
     * @throws TargetNotSerializableException naming the offending class and where it was found
     */
    public static byte[] serializeProcess(ProcessBody process) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(process);
        } catch (NotSerializableException e) {
            throw SerializationDiagnostics.explain(process.processObject(), process.name(), e);
        } catch (IOException e) {
            throw new TargetNotSerializableException("the target of process '" + process.name()
                    + "' cannot be serialized: " + e, String.valueOf(e.getMessage()), e);
        }
        return bytes.toByteArray();
    }

    /**
     * Encodes a task: the serialized process object, the pid and parent it will report.
     *
     * @param process the serialized process object
     * @param pid the pid the parent sees for the child
     * @param parent the creating process
     * @param dieWithParent whether the child ends when its parent dies
     * @return the TASK frame's payload, never null
     */
    public static byte[] encode(byte[] process, long pid, ProcessDescription parent, boolean dieWithParent) {
        return encode(process, pid, parent, dieWithParent, "");
    }

    /**
     * Encodes a task with the session's shared-memory directory (SPEC M6): only the authenticated
     * child learns it.
     *
     * @param process the serialized process object
     * @param pid the pid the parent sees for the child
     * @param parent the creating process
     * @param dieWithParent whether the child ends when its parent dies
     * @param sharedMemoryDirectory the directory's absolute path, or empty if the session has none
     * @return the TASK frame's payload, never null
     */
    public static byte[] encode(byte[] process, long pid, ProcessDescription parent, boolean dieWithParent,
                                String sharedMemoryDirectory) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(process.length + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(pid);
            out.writeBoolean(dieWithParent);
            out.writeUTF(parent.name());
            out.writeLong(parent.pid());
            out.writeBoolean(parent.daemon());
            out.writeInt(parent.identity().size());
            for (int number : parent.identity()) {
                out.writeInt(number);
            }
            out.writeInt(process.length);
            out.write(process);
            out.writeUTF(sharedMemoryDirectory);
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
     *     fit, an object that is not a {@link ProcessBody} or that the filter refuses)
     */
    public static Task decode(byte[] encoded) throws IOException, ClassNotFoundException {
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
        String sharedMemoryDirectory = in.available() > 0 ? in.readUTF() : "";
        Payloads.ContextObjectInputStream stream = null;
        try (Payloads.ContextObjectInputStream objects = new Payloads.ContextObjectInputStream(process)) {
            stream = objects;
            objects.setObjectInputFilter(Payloads.filter(TASK_FILTER, process.length));
            Object object = objects.readObject();
            if (!(object instanceof ProcessBody child)) {
                throw new InvalidClassException("the task is a "
                        + (object == null ? "null" : object.getClass().getName()) + ", not a process");
            }
            return new Task(child, pid, new ProcessDescription(parentName, parentPid, parentDaemon, List.of(identity)),
                    dieWithParent, sharedMemoryDirectory);
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
