package io.github.multiprocessing4j.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.multiprocessing4j.internal.channel.EndReport;
import io.github.multiprocessing4j.internal.process.ExitCodes;
import org.junit.jupiter.api.Test;

/** SPEC L16: how the raw status and the child's own report combine. */
class ExitCodesTest {

    @Test
    void withoutAReportHighCodesAreSignals() {
        assertEquals(0, ExitCodes.resolve(0, null, false, false));
        assertEquals(1, ExitCodes.resolve(1, null, false, false));
        assertEquals(-15, ExitCodes.resolve(143, null, false, false));
        assertEquals(-9, ExitCodes.resolve(137, null, false, false));
        assertEquals(128, ExitCodes.resolve(128, null, false, false));
        assertEquals(255, ExitCodes.resolve(255, null, false, false));
    }

    @Test
    void aChildThatCalledExitItselfKeepsItsCode() {
        assertEquals(143, ExitCodes.resolve(143, new EndReport(EndReport.Kind.EXIT_CALLED, -1, 0), false, false));
        assertEquals(137, ExitCodes.resolve(137, new EndReport(EndReport.Kind.EXIT_CALLED, -1, 0), false, false));
    }

    @Test
    void aSignalTheChildReportedIsMinusN() {
        assertEquals(-15, ExitCodes.resolve(143, new EndReport(EndReport.Kind.SIGNALLED, 143, 15), false, false));
        assertEquals(-2, ExitCodes.resolve(130, new EndReport(EndReport.Kind.SIGNALLED, 130, 2), false, false));
    }

    @Test
    void aKillAfterTheReportStillCountsAsTheSignal() {
        assertEquals(0, ExitCodes.resolve(0, new EndReport(EndReport.Kind.RETURNED, 0, 0), false, false));
        assertEquals(1, ExitCodes.resolve(1, new EndReport(EndReport.Kind.FAILED, 1, 0), false, false));
        assertEquals(-9, ExitCodes.resolve(137, new EndReport(EndReport.Kind.RETURNED, 0, 0), false, false));
    }

    @Test
    void aKillDuringShutdownHooksAfterTerminateIsMinus9() {
        assertEquals(-9, ExitCodes.resolve(137, new EndReport(EndReport.Kind.SIGNALLED, 143, 15), false, false));
        assertEquals(-9, ExitCodes.resolve(137, new EndReport(EndReport.Kind.EXIT_CALLED, -1, 0), true, false));
        assertEquals(137, ExitCodes.resolve(137, new EndReport(EndReport.Kind.EXIT_CALLED, -1, 0), false, false));
    }

    @Test
    void aChildTerminatedWhileItsJvmBootedIsMinus15() {
        // found by the reliability suite: SIGTERM during the JVM's initialisation gives exit 1
        assertEquals(-15, ExitCodes.resolve(1, null, false, true));
        assertEquals(-15, ExitCodes.resolve(143, null, false, true));
        assertEquals(1, ExitCodes.resolve(1, null, false, false));
        // a child that reported its end keeps what it reported, terminate or not
        assertEquals(1, ExitCodes.resolve(1, new EndReport(EndReport.Kind.FAILED, 1, 0), false, true));
        assertEquals(3, ExitCodes.resolve(3, new EndReport(EndReport.Kind.EXIT_CALLED, -1, 0), false, true));
        assertEquals(0, ExitCodes.resolve(0, null, false, true));
        assertEquals(-9, ExitCodes.resolve(137, null, true, true));
    }

    @Test
    void namesAreThoseOfPython() {
        assertEquals("-SIGTERM", ExitCodes.toName(-15));
        assertEquals("-SIGKILL", ExitCodes.toName(-9));
        assertEquals("0", ExitCodes.toName(0));
        assertEquals("143", ExitCodes.toName(143));
    }
}
