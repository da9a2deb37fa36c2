package org.nixswarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SimulateCommandTest {
    private record Out(int code, String out, String err) {}

    private static Out run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Out(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void jsonHasEveryPolicyWithConservedBytesAndIsDeterministic() throws Exception {
        String[] args = {"simulate", "--peers", "150", "--days", "1", "--paths", "1500", "--pool-sessions", "1500",
            "--seed", "3", "--json"};
        Out a = run(args);
        assertEquals(0, a.code(), a.err());
        JsonNode root = new ObjectMapper().readTree(a.out());
        assertEquals(3, root.get("runs").size());
        long requested = -1;
        for (JsonNode r : root.get("runs")) {
            assertEquals(24, r.get("hours").size());
            long sum = 0;
            for (JsonNode h : r.get("hours")) sum += h.get("peerBytes").asLong() + h.get("originBytes").asLong();
            assertEquals(r.get("peerBytes").asLong() + r.get("originBytes").asLong(), sum);
            if (requested < 0) requested = sum;
            assertEquals(requested, sum, "same requests for every policy");
        }
        assertEquals(a.out(), run(args).out(), "same seed, same output");
        Out text = run("simulate", "--peers", "100", "--days", "1", "--paths", "1500", "--pool-sessions", "1500",
                "--policy", "least-seeded");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("policy least-seeded"), text.out());
        assertTrue(text.out().contains("time to first byte"), text.out());
    }

    @Test
    void badOptionsAreOneLine() {
        Out o = run("simulate", "--peers", "0");
        assertNotEquals(0, o.code());
        assertTrue(o.err().contains("peers must be positive"), o.err());
        assertTrue(!o.err().contains("\tat "), o.err());
        o = run("simulate", "--policy", "greedy", "--paths", "500", "--peers", "10");
        assertNotEquals(0, o.code());
        assertTrue(o.err().contains("unknown policy 'greedy'"), o.err());
    }
}
