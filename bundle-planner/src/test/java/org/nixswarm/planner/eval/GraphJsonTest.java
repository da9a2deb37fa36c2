package org.nixswarm.planner.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.planner.PlannerException;
import org.nixswarm.planner.graph.PathGraph;

class GraphJsonTest {
    static final String A = "/nix/store/0a3yijp35sygmy51cnrrz11vimwapz7c-dbus-conf";
    static final String B = "/nix/store/xq39as86nvdny7616p6rbb3n41ab5aan-dbus-1.10.14";

    @TempDir
    Path tmp;

    @Test
    void readsNix28ArraysAndNewerObjects() throws Exception {
        Path arr = tmp.resolve("a.json");
        Files.writeString(arr, "[{\"path\":\"" + A + "\",\"narSize\":11408,\"references\":[\"" + A + "\",\"" + B + "\"],"
                + "\"downloadSize\":3020},{\"path\":\"" + B + "\",\"narSize\":500,\"references\":[]}]");
        PathGraph g = GraphJson.read(arr);
        assertEquals(2, g.n);
        assertEquals(3020, g.fileSize[0]);
        assertEquals(500, g.fileSize[1], "NarSize stands in when no compressed size is known");
        assertEquals(1, g.refOff[1] - g.refOff[0], "self reference dropped");
        assertEquals(1, g.refs[0]);
        Path obj = tmp.resolve("o.json");
        Files.writeString(obj, "{\"" + A + "\":{\"narSize\":11408,\"references\":[\"" + B + "\"]},\"" + B
                + "\":{\"narSize\":500,\"references\":[]}}");
        assertEquals(2, GraphJson.read(obj).n);
    }

    @Test
    void badGraphsNameTheProblem() throws Exception {
        Path bad = tmp.resolve("b.json");
        Files.writeString(bad, "[{\"path\":\"/nix/store/short\",\"narSize\":1}]");
        PlannerException e = assertThrows(PlannerException.class, () -> GraphJson.read(bad));
        assertTrue(e.getMessage().contains("b.json[0]"), e.getMessage());
        Files.writeString(bad, "[{\"path\":\"" + A + "\"}]");
        assertTrue(assertThrows(PlannerException.class, () -> GraphJson.read(bad)).getMessage().contains("narSize"));
    }
}
