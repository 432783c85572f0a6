package io.github.multiprocessing4j.launcher.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.multiprocessing4j.launcher.docker.ContainerSpec.HostMount;
import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.LaunchRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerSpecTest {

    @TempDir
    Path tmp;

    @Test
    void theImageIsTheOptionThenThePropertyThenTheEnvironmentThenTemurin() {
        Map<String, String> property = Map.of(ContainerSpec.IMAGE_PROPERTY, "from-property");
        Map<String, String> env = Map.of(ContainerSpec.IMAGE_ENVIRONMENT, "from-env");
        assertEquals("from-option", ContainerSpec.image(Map.of(ContainerSpec.IMAGE_OPTION, "from-option"),
                property::get, env::get, 17));
        assertEquals("from-property", ContainerSpec.image(Map.of(), property::get, env::get, 17));
        assertEquals("from-env", ContainerSpec.image(Map.of(ContainerSpec.IMAGE_OPTION, " "), key -> null, env::get, 17));
        assertEquals("eclipse-temurin:21-jre", ContainerSpec.image(Map.of(), key -> null, key -> null, 21));
        assertEquals(java.util.List.of("eclipse-temurin:21-jre", "multiprocessing4j/jre:21"),
                ContainerSpec.images(Map.of(), key -> null, key -> null, 21), "the project's own image is the fallback");
        assertEquals(java.util.List.of("from-property"), ContainerSpec.images(Map.of(), property::get, env::get, 17),
                "a named image is the only one tried");
    }

    @Test
    void containerNamesKeepOnlyWhatDockerAllows() {
        assertEquals("mp4j-ChildProcess-3_1-0a1b2c3d", ContainerSpec.containerName("ChildProcess-3:1", "0a1b2c3d"));
        assertEquals("mp4j-_____-x.y_z-00000000", ContainerSpec.containerName("测试 /\u00e9-x.y_z", "00000000"));
        assertEquals("mp4j--00000000", ContainerSpec.containerName("", "00000000"));
        String longName = ContainerSpec.containerName("a".repeat(500), "00000000");
        assertEquals("mp4j-".length() + 64 + "-00000000".length(), longName.length());
        assertTrue(longName.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]+"), longName);
    }

    @Test
    void classPathEntriesAreReadOnlySharedPathsReadWriteMissingEntriesSkipped() throws Exception {
        Path jar = Files.createFile(tmp.resolve("a.jar"));
        Path classes = Files.createDirectory(tmp.resolve("classes"));
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        List<HostMount> mounts = ContainerSpec.mounts(
                List.of(jar, tmp.resolve("missing.jar"), classes, jar, shared),
                List.of(), List.of(shared), List.of());
        assertEquals(List.of(
                new HostMount(jar.toString(), true),
                new HostMount(classes.toString(), true),
                new HostMount(shared.toString(), false)), mounts);
    }

    @Test
    void readOnlyPathsAreMountedFirstAndClassPathEntriesInsideThemAreNotMountedAgain() throws Exception {
        Path cache = Files.createDirectory(tmp.resolve("cache"));
        Path packed = Files.createFile(cache.resolve("classes-1.jar"));
        Path jar = Files.createFile(tmp.resolve("a.jar"));
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        assertEquals(List.of(
                new HostMount(cache.toString(), true),
                new HostMount(jar.toString(), true),
                new HostMount(shared.toString(), false)),
                ContainerSpec.mounts(List.of(packed, jar), List.of(cache), List.of(shared), List.of()));
        LaunchException missing = assertThrows(LaunchException.class,
                () -> ContainerSpec.mounts(List.of(), List.of(tmp.resolve("no-cache")), List.of(), List.of()));
        assertTrue(missing.getMessage().contains(tmp.resolve("no-cache") + " that the child must read does not exist"),
                missing.getMessage());
    }

    @Test
    void relativeEntriesAreMountedAtTheirAbsolutePath() throws Exception {
        Path here = Path.of("").toAbsolutePath();
        Path relative = here.relativize(Files.createFile(tmp.resolve("b.jar")));
        assertEquals(List.of(new HostMount(tmp.resolve("b.jar").toString(), true)),
                ContainerSpec.mounts(List.of(relative), List.of(), List.of(), List.of()));
    }

    @Test
    void pathsThatCannotBeBindsAreRefusedByName() {
        LaunchException root = assertThrows(LaunchException.class,
                () -> ContainerSpec.mounts(List.of(Path.of("/")), List.of(), List.of(), List.of()));
        assertTrue(root.getMessage().contains("class path entry / cannot be mounted"), root.getMessage());
        LaunchException proc = assertThrows(LaunchException.class,
                () -> ContainerSpec.mounts(List.of(Path.of("/proc/self")), List.of(), List.of(), List.of()));
        assertTrue(proc.getMessage().contains("/proc/self"), proc.getMessage());
        LaunchException missing = assertThrows(LaunchException.class,
                () -> ContainerSpec.mounts(List.of(), List.of(), List.of(tmp.resolve("gone")), List.of()));
        assertTrue(missing.getMessage().contains(tmp.resolve("gone") + " does not exist"), missing.getMessage());
    }

    @Test
    void aDirectoryInsideDevShmIsSharedButDevShmItselfIsNot() throws IOException, LaunchException {
        assumeTrue(Files.isDirectory(Path.of("/dev/shm")), "no /dev/shm here");
        Path session = Files.createTempDirectory(Path.of("/dev/shm"), "containerspec-test-");
        try {
            assertEquals(List.of(new HostMount(session.toString(), false)),
                    ContainerSpec.mounts(List.of(), List.of(), List.of(session), List.of()));
            LaunchException whole = assertThrows(LaunchException.class,
                    () -> ContainerSpec.mounts(List.of(), List.of(), List.of(Path.of("/dev/shm")), List.of()));
            assertTrue(whole.getMessage().contains("/dev/shm cannot be mounted"), whole.getMessage());
        } finally {
            Files.delete(session);
        }
    }

    @Test
    void extraMountsComeFromTheOptionElseTheProperty() throws IOException {
        Map<String, String> property = Map.of(ContainerSpec.MOUNTS_PROPERTY, "/p1");
        assertEquals(List.of(Path.of("/a"), Path.of("/b")),
                ContainerSpec.extraMounts(Map.of(ContainerSpec.MOUNTS_OPTION, "/a: /b :"), property::get));
        assertEquals(List.of(Path.of("/p1")), ContainerSpec.extraMounts(Map.of(), property::get));
        assertEquals(List.of(), ContainerSpec.extraMounts(Map.of(), key -> null));
    }

    @Test
    void aMountAtTmpReplacesTheTmpfs() {
        assertTrue(ContainerSpec.wantsTmpfs(List.of(new HostMount("/tmp/x", false))));
        assertEquals(false, ContainerSpec.wantsTmpfs(List.of(new HostMount("/tmp", false))));
    }

    @Test
    void theCommandRunsTheImagesJavaWithAnAbsoluteClassPath() {
        LaunchRequest request = request(List.of(Path.of("/a.jar"), Path.of("/b/classes")));
        assertEquals(List.of("java", "-Xmx64m", "-cp", "/a.jar:/b/classes", "x.Main", "/s/control.sock", "id"),
                ContainerSpec.command(request));
        assertEquals(List.of("java", "-Xmx64m", "x.Main", "/s/control.sock", "id"), ContainerSpec.command(request(List.of())));
    }

    @Test
    void aUtf8LocaleIsAddedOnlyWhenNeitherImageNorRequestSetsOne() {
        assertEquals(List.of("A=1", "LANG=C.UTF-8"), ContainerSpec.environment(Map.of("A", "1"), List.of("PATH=/bin")));
        assertEquals(List.of("A=1"), ContainerSpec.environment(Map.of("A", "1"), List.of("LC_ALL=en_US.UTF-8")));
        assertEquals(List.of("LANG=de_DE.UTF-8"), ContainerSpec.environment(Map.of("LANG", "de_DE.UTF-8"), List.of()));
    }

    @Test
    void labelsNameTheSessionProcessAndParent() {
        ParentProcess parent = new ParentProcess(42, OptionalLong.of(1234), Optional.empty());
        assertEquals(Map.of(
                        "io.github.multiprocessing4j", "true",
                        "io.github.multiprocessing4j.session", "s",
                        "io.github.multiprocessing4j.process-name", "p",
                        "io.github.multiprocessing4j.parent-pid", "42",
                        "io.github.multiprocessing4j.parent-start", "1234",
                        "io.github.multiprocessing4j.daemon", "true"),
                ContainerSpec.labels(request(List.of()), "s", parent));
    }

    @Test
    void aParentIsAliveOnlyWithTheSamePidAndStartTime() {
        ParentProcess self = ParentProcess.current();
        String pid = Long.toString(self.pid());
        assertTrue(ParentProcess.isAlive(pid, Long.toString(self.startMillis().orElseThrow())));
        assertTrue(ParentProcess.isAlive(pid, ""));
        // another JVM may read a live process's start a second off (the wall clock was adjusted)
        assertTrue(ParentProcess.isAlive(pid, Long.toString(self.startMillis().orElseThrow() - 1000)));
        assertEquals(false, ParentProcess.isAlive(pid, "1"));
        assertEquals(false, ParentProcess.isAlive(Long.toString(Integer.MAX_VALUE + 1L), ""));
        assertTrue(self.user().orElseThrow().matches("\\d+:\\d+"), self.user().toString());
    }

    private static LaunchRequest request(List<Path> classPath) {
        return new LaunchRequest("p", true, "x.Main", List.of("/s/control.sock", "id"), classPath, List.of("-Xmx64m"),
                Map.of(), List.of(), Map.of());
    }
}
