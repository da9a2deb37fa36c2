package org.nixswarm.planner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import org.nixswarm.planner.io.BadInput;

/** What a plan run did: counts, bundles, and every input it could not use (by kind, with examples). */
public record PlanSummary(String out, String generation, int pathsListed, int pathsUsable, int newPaths,
        int reusedPaths, int newBundles, int keptBundles, long bytes, long logRecords, int sessions, long millis,
        List<BadInput.Kind> leftOut) {

    public String toJson() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode n = m.valueToTree(this);
        ArrayNode a = n.putArray("leftOut");
        for (BadInput.Kind k : leftOut) {
            ObjectNode o = a.addObject();
            o.put("kind", k.name());
            o.put("count", k.count());
            ArrayNode ex = o.putArray("examples");
            k.examples().forEach(ex::add);
        }
        return n.toString();
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "plan %s (generation %s)%n", out, generation));
        b.append(String.format(Locale.ROOT, "paths: %d listed, %d usable: %d new, %d reused from the previous plan%n",
                pathsListed, pathsUsable, newPaths, reusedPaths));
        b.append(String.format(Locale.ROOT, "bundles: %d new, %d kept; %.1f MB; %d log records in %d sessions; %.1f s%n",
                newBundles, keptBundles, bytes / 1e6, logRecords, sessions, millis / 1000.0));
        if (leftOut.isEmpty()) {
            b.append("left out: nothing\n");
        } else {
            for (BadInput.Kind k : leftOut) {
                b.append(String.format(Locale.ROOT, "left out / ignored: %d %s, e.g.%n", k.count(), k.name()));
                for (String e : k.examples()) b.append("  ").append(e).append('\n');
            }
        }
        return b.toString();
    }
}
