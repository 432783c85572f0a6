package io.github.multiprocessing4j.internal.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** EndReport: how a child says it ended survives the wire, and a bad report is refused. */
class EndReportTest {

    @Test
    void endReportsSurviveTheWire() throws Exception {
        for (EndReport report : new EndReport[] {new EndReport(EndReport.Kind.SIGNALLED, 143, 15),
            new EndReport(EndReport.Kind.RETURNED, 0, 0), new EndReport(EndReport.Kind.FAILED, 1, 0),
            new EndReport(EndReport.Kind.EXIT_CALLED, -1, 0)}) {
            assertEquals(report, EndReport.decode(report.encode()));
        }
    }

    @Test
    void aTruncatedReportIsAProtocolError() {
        byte[] encoded = new EndReport(EndReport.Kind.SIGNALLED, 143, 15).encode();
        assertThrows(ProtocolException.class, () -> EndReport.decode(java.util.Arrays.copyOf(encoded, 3)));
    }
}
