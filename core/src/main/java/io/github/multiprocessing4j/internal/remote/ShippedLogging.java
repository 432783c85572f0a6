package io.github.multiprocessing4j.internal.remote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPLoggerFactory;
import org.slf4j.helpers.SubstituteLogger;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of a child whose class path is shipped (SPEC R2). There, slf4j-api comes
 * with the bootstrap, on the JVM's own class path, while the application's logging backend
 * (logback, say) arrives later with the shipped jars, in a class loader that SLF4J never looks
 * in: left alone, SLF4J in such a child finds no provider, prints "No SLF4J providers were found"
 * on every child's standard error and drops whatever core and user code log. The parent names
 * this class in the child's {@code slf4j.provider} system property ({@link #jvmOptions}); it
 * hands out loggers that record what is logged (at most {@value #RECORDED_AT_MOST} events) until
 * the backend is bound, and then replays the record there and delegates to it.
 *
 * <p>The backend is bound lazily: {@link #bindTo} only remembers where to find it, and the first
 * event logged (or one logged before) starts it on a daemon thread of its own. A backend's
 * initialisation is not free (logback reads its configuration and loads about 400 classes from
 * the shipped jars: 0.5 to 1 s of a pod's CPU), and a child that logs nothing, the common case,
 * never pays it. {@link #awaitBackend} lets the child's end wait for what was logged to reach the
 * backend. Without a backend in the shipped jars, what was logged is dropped silently, as the
 * parent itself does (and the parent has already said so).
 */
public final class ShippedLogging implements SLF4JServiceProvider {

    /** What SLF4J 2.0.9 and later read to load a provider that no service file names. */
    static final String PROVIDER_PROPERTY = "slf4j.provider";
    /** SLF4J's own reports below this level are not printed: it announces an explicit provider at INFO. */
    static final String VERBOSITY_PROPERTY = "slf4j.internal.verbosity";
    /** How many events are recorded before the backend is known; later ones are dropped. */
    static final int RECORDED_AT_MOST = 1000;

    private static final Object LOCK = new Object();
    /** Guarded by {@link #LOCK}. */
    private static final Map<String, SubstituteLogger> LOGGERS = new LinkedHashMap<>();
    private static final Recorded RECORDED = new Recorded();
    private static final SwitchingMdc MDC = new SwitchingMdc();
    private static volatile ILoggerFactory backend;
    /** Where the backend is looked for, once known; guarded by {@link #LOCK}. */
    private static ClassLoader shippedClasses;
    /** The thread that binds the backend, once started; guarded by {@link #LOCK}. */
    private static Thread binding;

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final ILoggerFactory loggers = ShippedLogging::logger;

    /** Made by SLF4J, from the {@code slf4j.provider} property. */
    public ShippedLogging() {
    }

    /**
     * The JVM options that make SLF4J in a shipped child use this provider, unless the user chose
     * a provider or SLF4J's verbosity for the child themselves.
     *
     * @param userOptions the child's JVM options so far
     * @return the options to add in front of them, possibly none
     */
    public static List<String> jvmOptions(List<String> userOptions) {
        List<String> options = new ArrayList<>();
        if (userOptions.stream().noneMatch(option -> option.startsWith("-D" + PROVIDER_PROPERTY + "="))) {
            options.add("-D" + PROVIDER_PROPERTY + "=" + ShippedLogging.class.getName());
            if (userOptions.stream().noneMatch(option -> option.startsWith("-D" + VERBOSITY_PROPERTY + "="))) {
                options.add("-D" + VERBOSITY_PROPERTY + "=WARN");
            }
        }
        return options;
    }

    /**
     * Says where the logging backend is: among the shipped jars. It is bound, and what was logged
     * so far sent to it, on a daemon thread started now if something was logged already, or at
     * the first event logged later. Does nothing if SLF4J in this JVM does not use this provider
     * (the user chose another).
     *
     * @param shipped the class loader of the shipped class path
     */
    public static void bindTo(ClassLoader shipped) {
        if (!ShippedLogging.class.getName().equals(System.getProperty(PROVIDER_PROPERTY))) {
            return;
        }
        synchronized (LOCK) {
            shippedClasses = shipped;
            if (!RECORDED.isEmpty() || RECORDED.dropped() > 0) {
                startBinding();
            }
        }
    }

    /**
     * Waits until the backend has been bound and has received what was logged before, if its
     * binding has started; returns at once otherwise. A child calls it before it ends, so that
     * what it logged is written out.
     *
     * @param timeout how long to wait at most
     * @param unit the unit of {@code timeout}
     * @return false if the binding was still under way when the time was up
     * @throws InterruptedException if the calling thread is interrupted while it waits
     */
    public static boolean awaitBackend(long timeout, TimeUnit unit) throws InterruptedException {
        Thread thread;
        synchronized (LOCK) {
            thread = binding;
        }
        if (thread == null) {
            return true;
        }
        thread.join(Math.max(1, unit.toMillis(timeout)));
        return !thread.isAlive();
    }

    /** Called with {@link #LOCK} held, once the backend's class loader is known. */
    private static void startBinding() {
        if (binding != null) {
            return;
        }
        ClassLoader shipped = shippedClasses;
        binding = new Thread(() -> bind(shipped), "multiprocessing4j-logging");
        // the backend looks for its configuration as it would on the parent: through the shipped classes
        binding.setContextClassLoader(shipped);
        binding.setDaemon(true);
        binding.start();
    }

    /** Finds the backend, makes it every logger's delegate and replays the record there. */
    private static void bind(ClassLoader shipped) {
        SLF4JServiceProvider found = null;
        List<String> others = new ArrayList<>();
        ServiceLoader<SLF4JServiceProvider> candidates = ServiceLoader.load(SLF4JServiceProvider.class, shipped);
        for (var iterator = candidates.iterator(); iterator.hasNext();) {
            SLF4JServiceProvider candidate;
            try {
                candidate = iterator.next();
            } catch (ServiceConfigurationError e) {
                System.err.println("multiprocessing4j: a logging backend of the shipped class path cannot be loaded: "
                        + e.getMessage());
                continue;
            }
            if (candidate instanceof ShippedLogging) {
                continue;
            }
            if (found == null) {
                found = candidate;
            } else {
                others.add(candidate.getClass().getName());
            }
        }
        ILoggerFactory factory = new NOPLoggerFactory();
        if (found != null) {
            try {
                found.initialize();
                factory = found.getLoggerFactory();
                MDC.switchTo(found.getMDCAdapter());
            } catch (RuntimeException | LinkageError e) {
                System.err.println("multiprocessing4j: the logging backend of the shipped class path could not start: " + e);
                factory = new NOPLoggerFactory();
            }
        }
        Thread self = Thread.currentThread();
        String ownName = self.getName();
        synchronized (LOCK) {
            // delegates first: an event logged from now on goes straight to the backend, and one
            // recorded meanwhile (Recorded.offer holds the lock too) is drained below, in order
            for (SubstituteLogger logger : LOGGERS.values()) {
                logger.setDelegate(factory.getLogger(logger.getName()));
            }
            backend = factory;
            SubstituteLoggingEvent event;
            while ((event = RECORDED.poll()) != null) {
                SubstituteLogger logger = event.getLogger();
                if (logger.isDelegateEventAware() && logger.isEnabledForLevel(event.getLevel())) {
                    // the backend names the thread that logs: the one that logged the event
                    self.setName(event.getThreadName());
                    logger.log(event);
                }
            }
            self.setName(ownName);
        }
        Logger log = factory.getLogger(ShippedLogging.class.getName());
        if (!others.isEmpty()) {
            log.warn("the shipped class path has more than one SLF4J provider: using {}, not {}",
                    found.getClass().getName(), others);
        }
        if (RECORDED.dropped() > 0) {
            log.warn("{} events logged before the logging backend was bound were dropped (at most {} are kept)",
                    RECORDED.dropped(), RECORDED_AT_MOST);
        }
    }

    private static Logger logger(String name) {
        ILoggerFactory bound = backend;
        if (bound != null) {
            return bound.getLogger(name);
        }
        synchronized (LOCK) {
            if (backend != null) {
                return backend.getLogger(name);
            }
            return LOGGERS.computeIfAbsent(name, n -> new SubstituteLogger(n, RECORDED, false));
        }
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return MDC;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing: the backend is found once the shipped class path is there and something is logged
    }

    /** The events recorded before the backend is known: at most {@link #RECORDED_AT_MOST}. */
    private static final class Recorded extends ConcurrentLinkedQueue<SubstituteLoggingEvent> {

        private static final long serialVersionUID = 1L;
        private final AtomicInteger kept = new AtomicInteger();
        private final AtomicInteger dropped = new AtomicInteger();

        @Override
        public boolean offer(SubstituteLoggingEvent event) {
            synchronized (LOCK) {
                if (backend != null) {
                    // the logger had no delegate when it was asked, and has one now
                    SubstituteLogger logger = event.getLogger();
                    if (logger.isDelegateEventAware() && logger.isEnabledForLevel(event.getLevel())) {
                        logger.log(event);
                    }
                    return true;
                }
                if (shippedClasses != null) {
                    startBinding();
                }
                if (kept.incrementAndGet() > RECORDED_AT_MOST) {
                    dropped.incrementAndGet();
                    return false;
                }
                return super.offer(event);
            }
        }

        int dropped() {
            return dropped.get();
        }
    }

    /**
     * SLF4J's {@code MDC} asks its provider for an adapter once: this one serves as a basic adapter
     * until the backend is known, then as the backend's. Nothing of the child's has run by then,
     * so there is no context to carry over.
     */
    private static final class SwitchingMdc implements MDCAdapter {

        private volatile MDCAdapter target = new BasicMDCAdapter();

        void switchTo(MDCAdapter adapter) {
            if (adapter != null) {
                target = adapter;
            }
        }

        @Override
        public void put(String key, String val) {
            target.put(key, val);
        }

        @Override
        public String get(String key) {
            return target.get(key);
        }

        @Override
        public void remove(String key) {
            target.remove(key);
        }

        @Override
        public void clear() {
            target.clear();
        }

        @Override
        public Map<String, String> getCopyOfContextMap() {
            return target.getCopyOfContextMap();
        }

        @Override
        public void setContextMap(Map<String, String> contextMap) {
            target.setContextMap(contextMap);
        }

        @Override
        public void pushByKey(String key, String value) {
            target.pushByKey(key, value);
        }

        @Override
        public String popByKey(String key) {
            return target.popByKey(key);
        }

        @Override
        public java.util.Deque<String> getCopyOfDequeByKey(String key) {
            return target.getCopyOfDequeByKey(key);
        }

        @Override
        public void clearDequeByKey(String key) {
            target.clearDequeByKey(key);
        }
    }
}
