package io.github.multiprocessing4j.internal.startcache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A child's class path as the cache sees it: each entry's files, in a stable order, by name,
 * size and modification time (cheap to read before every start) or by content (read once, in
 * the background).
 */
final class CachedClassPath {

    private CachedClassPath() {
    }

    /** A file of a directory entry, by its path relative to the directory, with '/'. */
    record Member(String name, Path file, boolean directory) {
    }

    /**
     * What a class path entry is, by name, size and modification time of each of its files; null
     * if it is neither a file nor a directory (the cache then stays off: the JDK's archives
     * cannot record it).
     */
    static String statSignature(Path entry) throws IOException {
        BasicFileAttributes attributes = attributes(entry);
        if (attributes == null) {
            return null;
        }
        if (attributes.isRegularFile()) {
            return "F " + entry + " " + attributes.size() + " " + attributes.lastModifiedTime();
        }
        if (!attributes.isDirectory()) {
            return null;
        }
        StringBuilder signature = new StringBuilder("D ").append(entry);
        for (Member member : members(entry)) {
            BasicFileAttributes memberAttributes = attributes(member.file());
            if (memberAttributes != null && !member.directory()) {
                signature.append('\n').append(member.name()).append(' ').append(memberAttributes.size()).append(' ')
                        .append(memberAttributes.lastModifiedTime());
            }
        }
        return signature.toString();
    }

    /** The digest of an entry's contents: a file's bytes, or a directory's names and bytes. */
    static String contentDigest(Path entry) throws IOException {
        if (!Files.isDirectory(entry)) {
            return "F " + Digests.ofFile(entry);
        }
        MessageDigest digest = Digests.sha256();
        for (Member member : members(entry)) {
            updateWithMember(digest, member);
        }
        return "D " + HexFormat.of().formatHex(digest.digest());
    }

    /** Adds a directory member to a digest as {@link #contentDigest} does. */
    static void updateWithMember(MessageDigest digest, Member member) throws IOException {
        digest.update(member.name().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        if (!member.directory()) {
            Digests.update(digest, member.file());
        }
        digest.update((byte) 0);
    }

    /** A directory's members, sub-directories first in name order ("a/" before "a/b"), never the root. */
    static List<Member> members(Path directory) throws IOException {
        List<Member> members = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path file : walk.filter(path -> !path.equals(directory)).collect(Collectors.toList())) {
                String name = directory.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                boolean isDirectory = Files.isDirectory(file);
                members.add(new Member(isDirectory ? name + "/" : name, file, isDirectory));
            }
        }
        members.sort((a, b) -> a.name().compareTo(b.name()));
        return members;
    }

    private static BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }
}
