package io.github.multiprocessing4j.spi;

import java.util.Objects;

/**
 * Whether a launcher can be used here, and if not, why and what to do.
 *
 * @param isAvailable whether the launcher can start processes
 * @param reason empty when available; otherwise one sentence naming what is missing and what
 *     to do (e.g. "no Docker engine answers at unix:///var/run/docker.sock: start dockerd or set
 *     DOCKER_HOST"); never null
 */
public record Availability(boolean isAvailable, String reason) {

    private static final Availability AVAILABLE = new Availability(true, "");

    /**
     * Validates the components.
     *
     * @param isAvailable whether the launcher can start processes
     * @param reason why not; must be non-blank when not available
     */
    public Availability {
        Objects.requireNonNull(reason, "reason");
        if (!isAvailable && reason.isBlank()) {
            throw new IllegalArgumentException("an unavailable launcher must say why");
        }
    }

    /**
     * The launcher can be used.
     *
     * @return an available result
     */
    public static Availability available() {
        return AVAILABLE;
    }

    /**
     * The launcher cannot be used.
     *
     * @param reason one sentence naming what is missing and what to do
     * @return an unavailable result
     */
    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}
