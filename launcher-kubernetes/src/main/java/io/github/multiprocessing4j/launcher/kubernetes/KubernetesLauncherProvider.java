package io.github.multiprocessing4j.launcher.kubernetes;

import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.Launcher;
import io.github.multiprocessing4j.spi.LauncherProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Provides the {@code kubernetes} launcher: children as pods on the cluster that fabric8's usual
 * configuration names ({@code KUBECONFIG}, {@code ~/.kube/config}, or the in-cluster service
 * account), with the image of the launcher option {@code kubernetes.image} (default
 * {@code multiprocessing4j/jre:<java>}). Priority -20: never the default unless named.
 */
public final class KubernetesLauncherProvider implements LauncherProvider {

    /** The name users select this launcher by. */
    public static final String NAME = "kubernetes";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public KubernetesLauncherProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -20;
    }

    /**
     * Available if some cluster configuration exists: {@code KUBECONFIG} or the
     * {@code kubeconfig} system property, {@code ~/.kube/config}, or the in-cluster environment.
     * Whether the API server answers is checked by {@link #create()}.
     */
    @Override
    public Availability availability() {
        String kubeconfig = System.getProperty("kubeconfig", System.getenv("KUBECONFIG"));
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            return Availability.available();
        }
        if (System.getenv("KUBERNETES_SERVICE_HOST") != null
                || Files.exists(Path.of(System.getProperty("user.home", "/"), ".kube", "config"))) {
            return Availability.available();
        }
        return Availability.unavailable("no Kubernetes configuration: set KUBECONFIG to a kubeconfig file,"
                + " or run inside a pod with a service account");
    }

    /**
     * Connects and checks within 10 s that the API server answers.
     *
     * @return the launcher, never null
     * @throws LaunchException if no API server answers or the configuration is unusable
     */
    @Override
    public Launcher create() throws LaunchException {
        return KubernetesLauncher.connect();
    }

    /**
     * This launcher's own code and fabric8's client and model jars: a child in a pod has no
     * credentials to start pods (its service account token is not mounted), so shipping them
     * would cost every pod tens of megabytes for nothing.
     */
    @Override
    public boolean ownsClassPathEntry(Path entry) {
        String file = entry.getFileName() == null ? "" : entry.getFileName().toString();
        return entry.equals(OwnCode.LOCATION) || file.startsWith("kubernetes-model-") || file.startsWith("kubernetes-client")
                || file.startsWith("kubernetes-httpclient-") || file.startsWith("zjsonpatch-");
    }

    /** Where this class was loaded from, or null if that cannot be told. */
    private static final class OwnCode {
        static final Path LOCATION = locate();

        private static Path locate() {
            try {
                java.security.CodeSource source = KubernetesLauncherProvider.class.getProtectionDomain().getCodeSource();
                return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
            } catch (java.net.URISyntaxException | RuntimeException e) {
                return null;
            }
        }
    }
}
