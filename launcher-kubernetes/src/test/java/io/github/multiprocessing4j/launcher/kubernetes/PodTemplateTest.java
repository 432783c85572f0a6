package io.github.multiprocessing4j.launcher.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.multiprocessing4j.spi.LaunchRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PodTemplateTest {

    private static final byte[] SECRET = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    private static LaunchRequest request(Map<String, String> options) {
        return new LaunchRequest("Worker #1 (ünïcode)", true, "io.github.multiprocessing4j.internal.process.ChildRuntime",
                List.of("tls:127.0.0.1:4711", "abc123"), List.of(Path.of("/a/core.jar"), Path.of("/b/spi.jar")),
                List.of("-Xmx64m"), Map.of("K", "V"), List.of(), options, SECRET);
    }

    private static KubernetesSettings settings(Map<String, String> options) {
        return KubernetesSettings.of(options, k -> null, k -> null, "default");
    }

    @Test
    void thePodIsHardenedAndHoldsNoSecret() {
        LaunchRequest request = request(Map.of("kubernetes.cpu", "500m", "kubernetes.memory", "256Mi",
                "kubernetes.nodeSelector", "disk=ssd", "kubernetes.tolerations", "dedicated=mp4j:NoSchedule"));
        PodSpec spec = PodTemplate.spec(request, settings(request.options()), List.of(100L, 200L));
        Pod pod = new PodBuilder().withMetadata(PodTemplate.metadata("mp4j-worker-1-0a0b0c0d", request, "s1",
                Map.of(PodTemplate.PARENT_PID_ANNOTATION, "42"))).withSpec(spec).build();
        Container main = spec.getContainers().get(0);
        assertEquals("Never", spec.getRestartPolicy());
        assertFalse(spec.getAutomountServiceAccountToken());
        assertTrue(main.getSecurityContext().getRunAsNonRoot());
        assertTrue(main.getSecurityContext().getReadOnlyRootFilesystem());
        assertFalse(main.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), main.getSecurityContext().getCapabilities().getDrop());
        assertEquals("500m", main.getResources().getLimits().get("cpu").toString());
        assertEquals("256Mi", main.getResources().getRequests().get("memory").toString());
        assertEquals(Map.of("disk", "ssd"), spec.getNodeSelector());
        assertEquals("NoSchedule", spec.getTolerations().get(0).getEffect());
        assertEquals("/tmp", main.getVolumeMounts().get(0).getMountPath());
        assertTrue(spec.getVolumes().get(0).getEmptyDir() != null);
        String yaml = Serialization.asYaml(pod);
        assertFalse(yaml.contains("00112233445566778899") || yaml.toLowerCase().contains("abbccddeeff"),
                "the secret is in no field of the pod");
        assertEquals("Worker_1_n_code", pod.getMetadata().getLabels().get(PodTemplate.PROCESS_LABEL));
    }

    @Test
    void theScriptCopiesEachBootstrapJarFromStdinThenExecsJava() {
        List<String> command = PodTemplate.command(request(Map.of()), List.of(100L, 200L));
        assertEquals(List.of("sh", "-c"), command.subList(0, 2));
        String script = command.get(2);
        assertTrue(script.startsWith("if command -v timeout >/dev/null 2>&1; then timeout 20 head -c 1 >/dev/null || {"),
                script);
        assertTrue(script.contains("else head -c 1 >/dev/null; fi && mkdir -p /tmp/mp4j-boot"), script);
        assertTrue(script.contains("head -c 100 > /tmp/mp4j-boot/0.jar && head -c 200 > /tmp/mp4j-boot/1.jar"), script);
        assertTrue(script.endsWith("else echo \"" + PodTemplate.PID_MARKER + "$$\" >&2; exec java \"$@\"; fi"), script);
        assertTrue(script.contains("if [ -r " + PodTemplate.IMAGE_CDS_ARCHIVE + " ]; then set -- -XX:SharedArchiveFile="),
                script);
        assertEquals(List.of("mp4j", "-Djava.io.tmpdir=/tmp", "-Xmx64m", "-cp", "/tmp/mp4j-boot/0.jar:/tmp/mp4j-boot/1.jar",
                "io.github.multiprocessing4j.internal.process.ChildRuntime", "tls:127.0.0.1:4711", "abc123"),
                command.subList(3, command.size()));
    }

    @Test
    void aPodWhoseParentNeverReleasesItEndsByItselfSayingWhy() throws Exception {
        List<String> command = PodTemplate.command(request(Map.of()), List.of(100L), "", Duration.ofSeconds(1));
        // the script as the container's shell runs it; its stdin stays open and silent, as when
        // the parent died or the API server went away before the attach
        Process script = new ProcessBuilder(command.subList(0, 3)).start();
        try {
            assertTrue(script.waitFor(30, TimeUnit.SECONDS), "the script still waits for its release byte");
            assertEquals(125, script.exitValue());
            assertEquals("multiprocessing4j: no parent attached within 1 s",
                    new String(script.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        } finally {
            script.destroyForcibly();
            script.getOutputStream().close();
        }
    }

    @Test
    void anImageWithTheApplicationUsesItsOwnPaths() throws Exception {
        LaunchRequest request = request(Map.of("code", "image"));
        List<Long> sizes = PodTemplate.bootstrapSizes(request);
        assertTrue(sizes.isEmpty());
        List<String> command = PodTemplate.command(request, sizes);
        assertTrue(command.contains("/a/core.jar:/b/spi.jar"), command.toString());
        assertFalse(command.get(2).contains("mp4j-boot"));
    }

    @Test
    void everyDollarSurvivesKubernetesExpansion() {
        PodSpec spec = PodTemplate.spec(request(Map.of()), settings(Map.of()), List.of(1L));
        String script = spec.getContainers().get(0).getCommand().get(2);
        assertTrue(script.contains("$$$$") && script.contains("$$@"), script);
    }

    @Test
    void namesAreValidForKubernetes() {
        assertEquals("mp4j-worker-1-n-code-0a0b0c0d", PodTemplate.podName("Worker #1 (ünïcode)", "0a0b0c0d"));
        assertEquals("mp4j-0a0b0c0d", PodTemplate.podName("###", "0a0b0c0d"));
        assertTrue(PodTemplate.podName("x".repeat(200), "0a0b0c0d").length() <= 63);
    }

    @Test
    void badSettingsSayWhatToWrite() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings(Map.of("kubernetes.imagePullPolicy", "Sometimes")));
        assertTrue(e.getMessage().contains("IfNotPresent, Always or Never"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> settings(Map.of("kubernetes.runAsUser", "0")));
        assertThrows(IllegalArgumentException.class, () -> settings(Map.of("kubernetes.nodeSelector", "ssd")));
        e = assertThrows(IllegalArgumentException.class, () -> settings(Map.of("kubernetes.attachWindow", "0")));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }

    @Test
    void theAttachWindowIsWhatTheScriptWaitsForItsParent() {
        LaunchRequest request = request(Map.of("kubernetes.attachWindow", "7", "kubernetes.startTimeout", "300"));
        PodSpec spec = PodTemplate.spec(request, settings(request.options()), List.of(100L));
        String script = spec.getContainers().get(0).getCommand().get(2);
        assertTrue(script.contains("then timeout 7 head -c 1 >/dev/null"), script);
        assertEquals(PodTemplate.ATTACH_WINDOW, settings(Map.of()).attachWindow());
    }

    /**
     * The JVM of the script tests: reads an {@code X} from its standard input (else exits with 4),
     * then {@code exit3} prints an unfinished line and exits with 3; {@code sleep} sleeps; {@code
     * options} prints its JVM's options and whether it shares classes, then exits with 0.
     */
    public static final class ScriptTarget {
        private ScriptTarget() {
        }

        /**
         * @param args {@code exit3} or {@code sleep}
         * @throws InterruptedException never
         * @throws java.io.IOException never
         */
        public static void main(String[] args) throws InterruptedException, java.io.IOException {
            if (System.in.read() != 'X') {
                // the script must hand the JVM its standard input: the credentials come that way
                System.exit(4);
            }
            if ("options".equals(args[0])) {
                System.err.println("vm: " + System.getProperty("java.vm.info"));
                System.err.println("options: " + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
                System.exit(0);
            }
            if ("exit3".equals(args[0])) {
                System.err.print("last words");
                System.err.flush();
                System.exit(3);
            }
            System.err.println("sleeping");
            Thread.sleep(60_000);
        }
    }

    /** The start script as the container's shell runs it, with this host's java and the test classes. */
    private static Process runScript(String what) throws Exception {
        return runScript(what, List.of(), PodTemplate.IMAGE_CDS_ARCHIVE);
    }

    private static Process runScript(String what, List<String> jvmOptions, String cdsArchive) throws Exception {
        Path classes = Path.of(ScriptTarget.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        LaunchRequest request = new LaunchRequest("script", false, ScriptTarget.class.getName(), List.of(what),
                List.of(classes), jvmOptions, Map.of(), List.of(), Map.of("code", "image"));
        List<String> command = PodTemplate.command(request, List.of(), "", PodTemplate.ATTACH_WINDOW, cdsArchive);
        Process script = new ProcessBuilder(command).start();
        script.getOutputStream().write(new byte[] {0, 'X'});
        script.getOutputStream().flush();
        return script;
    }

    @Test
    void theScriptPrintsTheJvmsPidFirstAndItsExitStatusLastWhichTheSinkConsumes() throws Exception {
        Process script = runScript("exit3");
        try {
            assertTrue(script.waitFor(60, TimeUnit.SECONDS));
            assertEquals(3, script.exitValue(), "the script ends with the JVM's status");
            byte[] stderr = script.getErrorStream().readAllBytes();
            java.io.ByteArrayOutputStream forwarded = new java.io.ByteArrayOutputStream();
            java.util.concurrent.CompletableFuture<Long> pid = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.CompletableFuture<Integer> exit = new java.util.concurrent.CompletableFuture<>();
            OutputSink sink = new OutputSink(new io.github.multiprocessing4j.spi.LineForwarder(
                    () -> new java.io.PrintStream(forwarded, true, StandardCharsets.UTF_8)), pid, exit);
            // a byte at a time: the marker split over writes
            for (byte b : stderr) {
                sink.write(b);
            }
            assertEquals(3, exit.getNow(-1), new String(stderr, StandardCharsets.UTF_8));
            assertTrue(pid.getNow(-1L) > 0, new String(stderr, StandardCharsets.UTF_8));
            sink.close();
            assertEquals("last words", forwarded.toString(StandardCharsets.UTF_8), "the unfinished line, without the marker");
        } finally {
            script.destroyForcibly();
        }
    }

    /** What the JVM of a script printed, its pid line left out, once it has ended with 0. */
    private static String optionsOf(Process script) throws Exception {
        try {
            assertTrue(script.waitFor(60, TimeUnit.SECONDS));
            String stderr = new String(script.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, script.exitValue(), stderr);
            return stderr;
        } finally {
            script.destroyForcibly();
        }
    }

    @Test
    void anImagesClassArchiveIsGivenToTheJvmUnlessTheRequestChoseItsOwn(@org.junit.jupiter.api.io.TempDir Path directory)
            throws Exception {
        Path archive = directory.resolve("jdk-classes.jsa");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process dump = new ProcessBuilder(java, "-Xshare:dump", "-XX:SharedArchiveFile=" + archive).redirectErrorStream(true)
                .start();
        String dumped = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(dump.waitFor(120, TimeUnit.SECONDS) && dump.exitValue() == 0, dumped);

        String used = optionsOf(runScript("options", List.of(), archive.toString()));
        assertTrue(used.contains("-XX:SharedArchiveFile=" + archive), used);
        assertTrue(used.contains("sharing"), "the JVM mapped the archive: " + used);

        String absent = optionsOf(runScript("options", List.of(), directory.resolve("none.jsa").toString()));
        assertFalse(absent.contains("SharedArchiveFile"), absent);

        String chosen = optionsOf(runScript("options", List.of("-Xshare:off"), archive.toString()));
        assertFalse(chosen.contains("SharedArchiveFile"), chosen);
        assertFalse(chosen.contains("sharing"), "the request's -Xshare:off decides: " + chosen);
    }

    @Test
    void theScriptPassesSigtermAndSigintOnToTheJvm() throws Exception {
        for (String signal : List.of("TERM", "INT")) {
            Process script = runScript("sleep");
            try {
                java.io.BufferedReader err = new java.io.BufferedReader(new java.io.InputStreamReader(
                        script.getErrorStream(), StandardCharsets.UTF_8));
                assertTrue(err.readLine().startsWith(PodTemplate.PID_MARKER));
                assertEquals("sleeping", err.readLine());
                new ProcessBuilder("kill", "-" + signal, Long.toString(script.pid())).start().waitFor();
                assertTrue(script.waitFor(30, TimeUnit.SECONDS), "SIG" + signal + " reached the JVM");
                int status = "TERM".equals(signal) ? 143 : 130;
                assertEquals(status, script.exitValue());
                assertEquals(PodTemplate.EXIT_MARKER + status, err.readLine());
            } finally {
                script.destroyForcibly();
            }
        }
    }
}
