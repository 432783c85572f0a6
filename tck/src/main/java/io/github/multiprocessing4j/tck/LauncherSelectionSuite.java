package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.LauncherNotFoundException;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.ProcessStartException;
import io.github.multiprocessing4j.tck.Scenario.ScenarioResult;
import io.github.multiprocessing4j.tck.scenarios.BrokenLauncherProvider;
import io.github.multiprocessing4j.tck.scenarios.LowPriorityLauncherProvider;
import io.github.multiprocessing4j.tck.scenarios.SelectionScenario;
import io.github.multiprocessing4j.tck.scenarios.UnavailableLauncherProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC S1–S2: how a launcher is found and selected, and what happens when none fits.
 *
 * <p>Selection is observed in scenario JVMs, whose class path, system properties and environment
 * the test controls. Three test doubles ({@code tck-low}, {@code tck-unavailable},
 * {@code tck-broken}) are put on a scenario's class path with a generated
 * {@code META-INF/services} file; the tck itself registers no launcher.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class LauncherSelectionSuite extends TckSuite {

    private static final String PROPERTY = "multiprocessing4j.launcher";
    private static final String VARIABLE = "MULTIPROCESSING4J_LAUNCHER";
    private static final String SERVICES = "META-INF/services/io.github.multiprocessing4j.spi.LauncherProvider";
    /** SPEC S2: an unusable launcher says so at once; it never hangs. */
    private static final Duration NO_HANG = Duration.ofSeconds(20);

    /** For subclasses. */
    protected LauncherSelectionSuite() {
    }

    @Test
    void S1_anUnknownLauncherNameFailsListingTheLaunchersFound() {
        ChildProcess process = track(ChildProcess.builder(Targets::nothing).launcher("nope").build());
        LauncherNotFoundException e = assertThrows(LauncherNotFoundException.class, process::start);
        assertMentions(e.getMessage(), "nope", launcher().name());
        assertTrue(process.pid().isEmpty());

        LauncherNotFoundException context = assertThrows(LauncherNotFoundException.class,
                () -> Multiprocessing.context("nope"));
        assertMentions(context.getMessage(), "nope", launcher().name());
    }

    @Test
    void S1_anUnknownLauncherNameInTheSystemPropertyFailsListingTheLaunchersFound() {
        ScenarioResult result = scenario(SelectionScenario.class, "start")
                .systemProperty(PROPERTY, "nope").withoutEnvironment(VARIABLE).run();
        String error = result.value("start.error");
        assertTrue(error.startsWith(LauncherNotFoundException.class.getName() + ": "), result.describe());
        assertMentions(error, "nope", launcher().name());
    }

    @Test
    void S1_noLauncherOnTheClassPathFailsNamingTheLocalLauncherArtifact() {
        Set<Path> launchers = Scenario.classPathEntriesWith(SERVICES);
        assertTrue(!launchers.isEmpty(), "the launcher under test is on the class path with a " + SERVICES);
        ScenarioResult result = scenario(SelectionScenario.class, "all", "start")
                .withoutClassPathEntries(launchers::contains)
                .withoutSystemProperty(PROPERTY).withoutEnvironment(VARIABLE).run();
        assertEquals("", result.value("all"), "no launcher left on the class path\n" + result.describe());
        String error = result.value("start.error");
        assertTrue(error.startsWith(LauncherNotFoundException.class.getName() + ": "), result.describe());
        assertMentions(error, "multiprocessing4j-launcher-local");
    }

    @Test
    void S1_launchersAreFoundWithServiceLoaderAndTheAvailableOneOfHighestPriorityIsTheDefault() throws IOException {
        ScenarioResult result = withTestDoubles(scenario(SelectionScenario.class, "all", "default"))
                .withoutSystemProperty(PROPERTY).withoutEnvironment(VARIABLE).run();
        String dump = result.describe();
        List<String> all = Arrays.asList(result.value("all").split(","));
        assertTrue(all.contains(launcher().name()), "the launcher under test is found\n" + dump);
        assertTrue(all.size() >= 4, "the launcher under test and three test doubles are found\n" + dump);
        assertEquals(UnavailableLauncherProvider.NAME, all.get(0), "highest priority first\n" + dump);
        assertEquals(List.of(BrokenLauncherProvider.NAME, LowPriorityLauncherProvider.NAME),
                all.subList(all.size() - 2, all.size()), "lowest priority last\n" + dump);
        // the highest-priority launcher is unavailable: the next one, a real launcher, is the default
        assertEquals(all.get(1), result.value("default"), dump);
    }

    @Test
    void S1_theEnvironmentVariableSelectsTheLauncherWhenNoPropertyIsSet() throws IOException {
        ScenarioResult result = withTestDoubles(scenario(SelectionScenario.class, "default"))
                .withoutSystemProperty(PROPERTY).environment(VARIABLE, LowPriorityLauncherProvider.NAME).run();
        assertEquals(LowPriorityLauncherProvider.NAME, result.value("default"), result.describe());
    }

    @Test
    void S1_theApiWinsOverTheSystemPropertyWhichWinsOverTheEnvironment() throws IOException {
        String name = launcher().name();
        ScenarioResult result = withTestDoubles(scenario(SelectionScenario.class,
                "default", "set:" + LowPriorityLauncherProvider.NAME, "default", "start:" + name))
                .systemProperty(PROPERTY, name).environment(VARIABLE, BrokenLauncherProvider.NAME).run();
        String dump = result.describe();
        List<String> defaults = result.values("default");
        assertEquals(List.of(name, LowPriorityLauncherProvider.NAME), defaults,
                "the property wins over the environment, setStartMethod() over the property\n" + dump);
        assertEquals("0", result.value("start." + name + ".exit"),
                "a launcher named in the builder wins over setStartMethod()\n" + dump);
    }

    @Test
    void S2_aLauncherThatIsPresentButUnusableSaysWhyAtStartAndDoesNotHang() throws IOException {
        ScenarioResult result = withTestDoubles(scenario(SelectionScenario.class,
                "start:" + UnavailableLauncherProvider.NAME, "start:" + BrokenLauncherProvider.NAME))
                .timeout(NO_HANG).run();
        String dump = result.describe();
        String unavailable = result.value("start." + UnavailableLauncherProvider.NAME + ".error");
        assertTrue(unavailable.startsWith(ProcessStartException.class.getName() + ": "), dump);
        assertMentions(unavailable, UnavailableLauncherProvider.REMEDY);
        String broken = result.value("start." + BrokenLauncherProvider.NAME + ".error");
        assertTrue(broken.startsWith(ProcessStartException.class.getName() + ": "), dump);
        assertMentions(broken, BrokenLauncherProvider.REMEDY);
    }

    @Test
    void S2_theLauncherUnderTestMisconfiguredSaysWhatToDoAtStartAndDoesNotHang() throws Exception {
        Map<String, String> unusable = launcher().unusableOptions();
        assumeFalse(unusable.isEmpty(), "launcher '" + launcher().name() + "' declares no unusable options");
        ChildProcess.Builder builder = builder(Targets::nothing);
        unusable.forEach(builder::launcherOption);
        ChildProcess process = track(builder.build());
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                process.start();
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        Throwable failure;
        try {
            failure = outcome.get(NO_HANG.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            failure = fail("start() with the options " + unusable + " did not return within " + NO_HANG);
        } catch (ExecutionException e) {
            failure = e.getCause();
        }
        if (failure == null) {
            fail("start() with the options " + unusable + " started " + process);
        }
        assertTrue(failure instanceof ProcessStartException, "a ProcessStartException: " + failure);
        String message = failure.getMessage();
        assertTrue(unusable.entrySet().stream()
                        .anyMatch(option -> message.contains(option.getKey()) || message.contains(option.getValue())),
                "the message names the option to fix " + unusable + ": " + message);
        assertTrue(process.pid().isEmpty(), "no process was started");
    }

    private Scenario withTestDoubles(Scenario scenario) throws IOException {
        Path root = tmp.resolve("test-doubles");
        Path services = root.resolve(SERVICES);
        Files.createDirectories(services.getParent());
        Files.write(services, List.of(LowPriorityLauncherProvider.class.getName(),
                UnavailableLauncherProvider.class.getName(), BrokenLauncherProvider.class.getName()));
        return scenario.withClassPathEntry(root);
    }

    private static void assertMentions(String message, String... words) {
        for (String word : words) {
            assertTrue(message != null && message.contains(word), "the message mentions '" + word + "': " + message);
        }
    }
}
