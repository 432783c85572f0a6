package io.github.multiprocessing4j.launcher.docker;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class only where a Docker engine answers and has the test image.
 * Elsewhere the class is skipped, with one line on stderr saying why; with the environment
 * variable {@code CI=true} it fails instead, since CI must run these tests.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(DockerEngineCondition.class)
public @interface RequiresDockerEngine {
}
