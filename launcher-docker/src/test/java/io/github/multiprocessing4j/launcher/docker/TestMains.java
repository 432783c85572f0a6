package io.github.multiprocessing4j.launcher.docker;

import java.io.IOException;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * What {@link DockerLauncherTest} runs in containers, chosen by the first argument.
 */
public final class TestMains {

    private TestMains() {
    }

    /**
     * Runs one of: {@code sleep} (prints "ready", sleeps 30 s), {@code lines <n> <code>}
     * (n numbered lines on each stream, a UTF-8 line, an unterminated last line, then exit with
     * code), {@code probe <shared dir>} (prints what the container allows).
     *
     * @param args the mode and its arguments
     * @throws Exception if the mode fails
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "sleep" -> {
                System.out.println("ready");
                Thread.sleep(30_000);
            }
            case "lines" -> {
                int n = Integer.parseInt(args[1]);
                for (int i = 0; i < n; i++) {
                    System.out.println("out " + i);
                    System.err.println("err " + i);
                }
                System.out.println("测试多进程");
                System.out.print("tail");
                System.out.flush();
                System.exit(Integer.parseInt(args[2]));
            }
            case "probe" -> {
                System.out.println("tmp.writable=" + canWrite(Path.of("/tmp/probe")));
                System.out.println("root.writable=" + canWrite(Path.of("/probe")));
                System.out.println("shared.writable=" + canWrite(Path.of(args[1], "probe")));
                System.out.println("interfaces=" + NetworkInterface.networkInterfaces()
                        .map(NetworkInterface::getName).sorted().collect(Collectors.joining(",")));
                System.out.println("stdin=" + System.in.read());
                System.out.println("uid=" + Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
                System.out.println("encoding=" + java.nio.charset.Charset.defaultCharset().name());
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static boolean canWrite(Path file) {
        try {
            Files.writeString(file, "x");
            Files.delete(file);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
