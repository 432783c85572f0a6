package io.github.multiprocessing4j.launcher.docker;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The condition of {@link RequiresDockerEngine}: a missing engine or image skips the Docker
 * tests locally (one line on stderr for the whole run) and fails them when {@code CI=true}.
 */
public final class DockerEngineCondition implements ExecutionCondition {

    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    /** Created by JUnit. */
    public DockerEngineCondition() {
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> problem = TestEngine.problem();
        if (problem.isEmpty()) {
            return ConditionEvaluationResult.enabled("a Docker engine answers and has " + TestEngine.IMAGE);
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new ExtensionConfigurationException("CI=true, so the Docker tests must run, but " + problem.get()
                    + " (.ci/run starts the engine and builds the image)");
        }
        if (REPORTED.compareAndSet(false, true)) {
            System.err.println("[launcher-docker] skipping the Docker tests: " + problem.get());
        }
        return ConditionEvaluationResult.disabled(problem.get());
    }
}
