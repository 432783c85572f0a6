package io.github.multiprocessing4j.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Counts what the control channel logs at WARN while a part runs ("each refused peer is logged
 * once", SPEC C3). The lines also go to {@code target/control-channel.log}.
 */
final class LogCapture implements AutoCloseable {

    private static final String CONTROL_SERVER = "io.github.multiprocessing4j.internal.channel.ControlServer";

    private final Logger logger = (Logger) LoggerFactory.getLogger(CONTROL_SERVER);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture() {
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    /** The WARN lines logged since this capture began. */
    synchronized List<String> warnings() {
        synchronized (appender) {
            return appender.list.stream().filter(event -> event.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
