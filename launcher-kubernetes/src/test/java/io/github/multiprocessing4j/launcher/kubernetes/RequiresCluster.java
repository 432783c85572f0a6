package io.github.multiprocessing4j.launcher.kubernetes;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class only where a Kubernetes API server answers (KUBECONFIG or
 * ~/.kube/config). Elsewhere the class is skipped, with one line on stderr for the whole run;
 * with the environment variable {@code CI=true} it fails instead, since CI must run these tests.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ClusterCondition.class)
public @interface RequiresCluster {
}
