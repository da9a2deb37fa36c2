package org.nixswarm.planner.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nixswarm.planner.PlannerException;
import org.nixswarm.planner.graph.Sessions;
import org.nixswarm.planner.io.BadInput;

class LogReaderTest {
    static final String H = "0a3yijp35sygmy51cnrrz11vimwapz7c";

    @Test
    void readsJsonlCsvAndCommonAndCombinedLogFormat() {
        BadInput bad = new BadInput(false);
        LogReader r = new LogReader(bad);
        LogRecord a = r.parseLine("{\"time\": 1700000000, \"client\": \"alice\", \"hash\": \"" + H + "\"}", "x:1");
        assertEquals(new LogRecord(1_700_000_000_000L, "alice", H), a);
        LogRecord b = r.parseLine("{\"time\": \"2023-11-14T22:13:20Z\", \"client\": \"bob\", \"storePath\": \"/nix/store/" + H + "-dbus\"}", "x:2");
        assertEquals(new LogRecord(1_700_000_000_000L, "bob", H), b);
        LogRecord c = r.parseLine("1700000000.5,carol,/nar/1abc.nar.xz", "x:3");
        assertEquals(new LogRecord(1_700_000_000_500L, "carol", "nar/1abc.nar.xz"), c);
        LogRecord d = r.parseLine("10.0.0.1 - - [14/Nov/2023:22:13:20 +0000] \"GET /" + H + ".narinfo HTTP/1.1\" 200 612", "x:4");
        assertEquals(new LogRecord(1_700_000_000_000L, "10.0.0.1", H + ".narinfo"), d);
        LogRecord e = r.parseLine("10.0.0.2 - - [14/Nov/2023:23:13:20 +0100] \"GET /nar/1abc.nar.xz HTTP/2.0\" 206 1000 \"-\" \"Nix/2.18\"", "x:5");
        assertEquals(new LogRecord(1_700_000_000_000L, "10.0.0.2 Nix/2.18", "nar/1abc.nar.xz"), e);
        assertEquals(0, bad.total());
    }

    @Test
    void badAndIgnoredLinesAreCountedWithWhere() {
        BadInput bad = new BadInput(false);
        LogReader r = new LogReader(bad);
        assertNull(r.parseLine("garbage", "f:1"));
        assertNull(r.parseLine("{\"time\": 1}", "f:2"));
        assertNull(r.parseLine("{not json", "f:3"));
        assertNull(r.parseLine("1.2.3.4 - - [14/Nov/2023:22:13:20 +0000] \"GET /nix-cache-info HTTP/1.1\" 200 5", "f:4"));
        assertNull(r.parseLine("1.2.3.4 - - [14/Nov/2023:22:13:20 +0000] \"GET /" + H + ".narinfo HTTP/1.1\" 404 5", "f:5"));
        assertNull(r.parseLine("# comment", "f:6"));
        assertEquals(3, bad.count("unparsable log line"));
        assertEquals(2, bad.count("ignored log request"));
        assertTrue(bad.kinds().get(0).examples().get(0).startsWith("f:1"));
        LogReader strict = new LogReader(new BadInput(true));
        PlannerException ex = assertThrows(PlannerException.class, () -> strict.parseLine("garbage", "f:9"));
        assertTrue(ex.getMessage().contains("f:9"));
    }

    @Test
    void sessionsSplitOnTheInactivityGapPerClient() {
        SessionBuilder sb = new SessionBuilder(10 * 60_000);
        Map<String, Integer> ids = Map.of("a", 0, "b", 1, "c", 2, "d", 3);
        BadInput bad = new BadInput(false);
        long t = 1_000_000;
        sb.add(new LogRecord(t, "u1", "a"), ids::get, bad, "");
        sb.add(new LogRecord(t + 5 * 60_000, "u1", "b"), ids::get, bad, "");
        sb.add(new LogRecord(t + 20 * 60_000, "u1", "c"), ids::get, bad, "");
        sb.add(new LogRecord(t + 1, "u2", "d"), ids::get, bad, "");
        sb.add(new LogRecord(t + 2, "u2", "a"), ids::get, bad, "");
        sb.add(new LogRecord(t + 3, "u2", "zzz"), x -> ids.getOrDefault(x, -1), bad, "");
        Sessions s = sb.build();
        assertEquals(3, s.count());
        assertEquals(2, s.size(0));
        assertEquals(1, s.size(1));
        assertEquals(2, s.size(2));
        assertEquals(1, bad.count("unknown path in log"));
    }
}
