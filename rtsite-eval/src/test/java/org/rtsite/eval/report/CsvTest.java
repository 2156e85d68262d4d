package org.rtsite.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;

/** The one CSV reader: lines of label tables, and whole texts whose quoted cells span lines (linkage reports). */
class CsvTest {

    @Test
    void aLineSplitsAtCommasOutsideQuotes() {
        assertEquals(List.of("a", "b,c", "say \"x\"", ""), Csv.parseLine("a,\"b,c\",\"say \"\"x\"\"\",", "t.csv", 3));
        assertEquals(List.of(""), Csv.parseLine("", "t.csv", 1));
    }

    @Test
    void aWholeTextKeepsLineBreaksInsideQuotedCellsAndWritesBackTheSame() {
        List<List<String>> written = List.of(List.of("plan", "reasons"), List.of("/a/RP.dcm", "no dose,\nno CT"),
                List.of("/b/RP.dcm", ""));
        StringBuilder text = new StringBuilder();
        for (List<String> row : written) {
            text.append(Csv.line(row.toArray())).append("\r\n");
        }
        assertEquals(written, Csv.read(text.toString(), "plans.csv"));
    }

    @Test
    void anUnterminatedQuoteNamesTheSourceAndLine() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Csv.parseLine("a,\"b", "t.csv", 7));
        assertTrue(e.getMessage().startsWith("t.csv line 7: unterminated quote in 'a,\"b'"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> Csv.read("x\n\"open", "r.csv"));
    }
}
