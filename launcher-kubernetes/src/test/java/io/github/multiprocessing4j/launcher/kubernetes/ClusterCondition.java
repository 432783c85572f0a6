package io.github.multiprocessing4j.launcher.kubernetes;

import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.LaunchException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The condition of {@link RequiresCluster}: no cluster skips the Kubernetes tests locally (one
 * line on stderr for the whole run) and fails them when {@code CI=true}.
 */
public final class ClusterCondition implements ExecutionCondition {

    private static final AtomicBoolean REPORTED = new AtomicBoolean();
    private static volatile Optional<String> problem;

    /** Created by JUnit. */
    public ClusterCondition() {
    }

    /** Why no cluster can be used, or empty if one answers; asked once per test JVM. */
    static synchronized Optional<String> problem() {
        if (problem == null) {
            KubernetesLauncherProvider provider = new KubernetesLauncherProvider();
            Availability availability = provider.availability();
            if (!availability.isAvailable()) {
                problem = Optional.of(availability.reason());
            } else {
                try {
                    provider.create().close();
                    problem = Optional.empty();
                } catch (LaunchException e) {
                    problem = Optional.of(e.getMessage());
                }
            }
        }
        return problem;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> found = problem();
        if (found.isEmpty()) {
            return ConditionEvaluationResult.enabled("a Kubernetes API server answers");
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new ExtensionConfigurationException("CI=true, so the Kubernetes tests must run, but " + found.get()
                    + " (.ci/run brings the test cluster up and sets KUBECONFIG)");
        }
        if (REPORTED.compareAndSet(false, true)) {
            System.err.println("[launcher-kubernetes] skipping the Kubernetes tests: " + found.get());
        }
        return ConditionEvaluationResult.disabled(found.get());
    }
}
