package io.github.multiprocessing4j.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's Java, compiled verbatim against the installed artifacts and run, as a user who
 * copies it would. Each {@code ```java} block of the README is preceded by a marker that says how
 * it is checked:
 * <ul>
 *   <li>{@code <!-- readme-test: program Name -->}: a whole program, compiled as {@code Name.java}
 *       and run; its standard output must be the plain block that follows it, line for line in
 *       any order (children print concurrently), with every number masked (pids differ);</li>
 *   <li>{@code <!-- readme-test: snippet Name -->}: statements, compiled as the body of a method
 *       of a class {@code Name} that imports the library's API and {@code java.util}, and run;
 *       it must end with exit code 0;</li>
 *   <li>{@code <!-- readme-test: class Name -->}: a class whose methods need more than one
 *       process or a server of their own to run (a manager served to other JVMs), compiled only;</li>
 *   <li>{@code <!-- readme-test: outline (why) -->}: code that names the reader's own classes (a
 *       launcher of their own), not compiled; the marker says why.</li>
 * </ul>
 * A block without a marker fails the test, so that no new example escapes it.
 */
class ReadmeExamplesTest {

    private static final Pattern MARKER = Pattern.compile("<!-- readme-test: (program|snippet|class|outline)\\s*([^ ]*)?.*-->");
    private static final Path README = Path.of(System.getProperty("readme", "../README.md"));
    private static final Path WORK = Path.of(System.getProperty("work", "target/readme"));
    private static final long RUN_SECONDS = 120;

    /** One {@code ```java} block and how it is checked. */
    record Block(String kind, String name, String code, String expectedOutput, int line) {
    }

    private static List<Block> blocks;

    @BeforeAll
    static void readReadme() throws IOException {
        blocks = parse(Files.readAllLines(README, StandardCharsets.UTF_8));
    }

    @Test
    void everyJavaBlockOfTheReadmeSaysHowItIsChecked() {
        assertFalse(blocks.isEmpty(), "no ```java block found in " + README);
        for (Block block : blocks) {
            assertTrue(block.kind() != null, "README.md line " + block.line() + ": a ```java block without a "
                    + "<!-- readme-test: program|snippet|class|outline ... --> marker before it");
        }
        assertTrue(blocks.stream().anyMatch(b -> "program".equals(b.kind())), "no program block in the README");
    }

    @Test
    void theReadmesProgramsCompileAndPrintWhatTheReadmeShows() throws Exception {
        for (Block block : blocks) {
            if (!"program".equals(block.kind())) {
                continue;
            }
            Path classes = compile(block.name(), block.code());
            String out = run(List.of("-cp", classes + File.pathSeparator + classPath(), block.name()), block);
            assertEquals(masked(block.expectedOutput()), masked(out),
                    "README.md line " + block.line() + ": what " + block.name() + " printed (numbers masked, lines sorted)");
        }
    }

    @Test
    void theReadmesClassesCompile() throws Exception {
        for (Block block : blocks) {
            if ("class".equals(block.kind())) {
                compile(block.name(), block.code());
            }
        }
    }

    @Test
    void theReadmesSnippetsCompileAndRun() throws Exception {
        for (Block block : blocks) {
            if (!"snippet".equals(block.kind())) {
                continue;
            }
            String source = "import io.github.multiprocessing4j.*;\nimport java.util.*;\nimport java.time.*;\n\n"
                    + "public class " + block.name() + " {\n    public static void main(String[] args) throws Exception {\n"
                    + block.code().indent(8) + "    }\n}\n";
            Path classes = compile(block.name(), source);
            run(List.of("-cp", classes + File.pathSeparator + classPath(), block.name()), block);
        }
    }

    /**
     * The first program again as a JPMS application: its own module that
     * {@code requires io.github.multiprocessing4j}, on the module path with the library's jars,
     * the launcher found as a service provider there. The only change to the README's code is the
     * package declaration a named module needs.
     */
    @Test
    void theFirstProgramRunsAsAModuleThatRequiresTheLibrary() throws Exception {
        Block block = blocks.stream().filter(b -> "program".equals(b.kind())).findFirst().orElseThrow();
        Path sources = Files.createDirectories(WORK.resolve("jpms-src"));
        Path classes = WORK.resolve("jpms-classes");
        Files.writeString(sources.resolve("module-info.java"),
                "module readme.app {\n    requires io.github.multiprocessing4j;\n}\n");
        Path packageDir = Files.createDirectories(sources.resolve("readme"));
        Files.writeString(packageDir.resolve(block.name() + ".java"), "package readme;\n\n" + block.code());
        String modulePath = classPath();
        javac(List.of("--module-path", modulePath, "-d", classes.toString(),
                sources.resolve("module-info.java").toString(), packageDir.resolve(block.name() + ".java").toString()));
        String out = run(List.of("--module-path", classes + File.pathSeparator + modulePath,
                "--module", "readme.app/readme." + block.name()), block);
        assertEquals(masked(block.expectedOutput()), masked(out), "what the module " + block.name() + " printed");
    }

    private static List<Block> parse(List<String> lines) {
        List<Block> found = new ArrayList<>();
        String kind = null;
        String name = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher marker = MARKER.matcher(line.trim());
            if (marker.matches()) {
                kind = marker.group(1);
                name = marker.group(2);
                continue;
            }
            if (!line.equals("```java")) {
                if (!line.isBlank()) {
                    kind = null;
                }
                continue;
            }
            int start = i + 1;
            int end = start;
            while (!lines.get(end).equals("```")) {
                end++;
            }
            String code = String.join("\n", lines.subList(start, end)) + "\n";
            String expected = null;
            int next = end + 1;
            while (next < lines.size() && lines.get(next).isBlank()) {
                next++;
            }
            if (next < lines.size() && lines.get(next).equals("```")) {
                int outEnd = next + 1;
                while (!lines.get(outEnd).equals("```")) {
                    outEnd++;
                }
                expected = String.join("\n", lines.subList(next + 1, outEnd));
            }
            found.add(new Block(kind, name, code, expected, i + 1));
            kind = null;
            i = end;
        }
        return found;
    }

    private static Path compile(String name, String source) throws IOException {
        Path sources = Files.createDirectories(WORK.resolve(name + "-src"));
        Path classes = Files.createDirectories(WORK.resolve(name + "-classes"));
        Path file = sources.resolve(name + ".java");
        Files.writeString(file, source);
        javac(List.of("-cp", classPath(), "-d", classes.toString(), file.toString()));
        return classes;
    }

    private static void javac(List<String> arguments) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int status = compiler.run(null, null, null, arguments.toArray(String[]::new));
        assertEquals(0, status, "javac " + arguments + " failed (its errors are above)");
    }

    /** The test's class path minus the test framework: the library as a user's build resolves it. */
    private static String classPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.contains("multiprocessing4j") || entry.contains("slf4j"))
                .filter(entry -> !entry.contains("test-classes") && !entry.endsWith("/classes"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static String run(List<String> javaArguments, Block block) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaArguments);
        Path output = Files.createTempFile(WORK, block.name(), ".out");
        Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!process.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            fail("README.md line " + block.line() + ": " + block.name() + " did not end within " + RUN_SECONDS + " s");
        }
        String out = Files.readString(output);
        assertEquals(0, process.exitValue(), "README.md line " + block.line() + ": " + block.name()
                + " ended with exit code " + process.exitValue() + "; it printed:\n" + out);
        return out;
    }

    private static List<String> masked(String text) {
        assertTrue(text != null, "a program block must be followed by a plain block with its output");
        return Stream.of(text.split("\n")).map(String::strip).filter(l -> !l.isEmpty())
                .map(l -> l.replaceAll("\\d+", "N")).sorted().collect(Collectors.toList());
    }
}
