package org.nixswarm.planner.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nixswarm.core.nar.Xz;
import org.nixswarm.planner.PlannerException;
import org.nixswarm.planner.io.BadInput;

/**
 * Reads download logs, one record per line, in any of three formats (detected per line, so
 * files may be concatenated; {@code .xz} files are decompressed):
 * <ul>
 *   <li><b>JSONL</b>: {@code {"time": …, "client": "…", "hash": "…"}} where time is epoch seconds
 *       (number) or ISO-8601 text, and instead of {@code hash} the line may give {@code storePath}
 *       ({@code /nix/store/…}) or {@code url} (a cache URL path).</li>
 *   <li><b>CSV</b>: {@code time,client,target} with the same meanings; {@code #} starts a comment.</li>
 *   <li><b>Common / combined log format</b> (nginx, Apache, Fastly, CloudFront can emit it): only
 *       successful {@code GET}s (200, 206, 304) of {@code /<hash>.narinfo} or {@code /nar/<file>}
 *       count; the client is the remote host, plus the user agent when the line has one.</li>
 * </ul>
 * Lines that fit no format, or requests for other URLs, are reported to {@link BadInput} (the
 * latter as "ignored log request", so that nothing disappears without a count).
 */
public final class LogReader {
    private static final Pattern ACCESS = Pattern.compile(
            "^(\\S+) \\S+ (\\S+) \\[([^\\]]+)\\] \"(\\S+) (\\S+)(?: [^\"]*)?\" (\\d{3}) (\\S+)(?: \"([^\"]*)\" \"([^\"]*)\")?.*$");
    private static final DateTimeFormatter CLF_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BadInput bad;

    public LogReader(BadInput bad) {
        this.bad = bad;
    }

    public void read(Path file, Consumer<LogRecord> sink) {
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = file.toString().endsWith(".xz") ? Xz.decompressing(raw) : raw;
            BufferedReader r = new BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
            String line;
            long no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                LogRecord rec = parseLine(line, file.getFileName() + ":" + no);
                if (rec != null) sink.accept(rec);
            }
        } catch (IOException e) {
            throw new PlannerException("--logs " + file + ": " + e.getMessage(), e);
        }
    }

    /** The record on this line, or null (blank, comment, ignored or bad: counted). */
    public LogRecord parseLine(String line, String where) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) return null;
        if (t.startsWith("{")) return json(t, where);
        Matcher m = ACCESS.matcher(t);
        if (m.matches()) return access(m, where);
        return csv(t, where);
    }

    private LogRecord json(String t, String where) {
        try {
            JsonNode n = JSON.readTree(t);
            JsonNode time = n.get("time"), client = n.get("client");
            if (time == null || client == null || !client.isTextual()) {
                bad.report("unparsable log line", where + ": JSON needs \"time\" and \"client\"");
                return null;
            }
            long ms = time.isNumber() ? (long) (time.asDouble() * 1000) : parseTime(time.asText());
            String target = null;
            for (String k : new String[] {"hash", "storePath", "url"}) {
                if (n.hasNonNull(k)) target = n.get(k).asText();
            }
            if (target == null) {
                bad.report("unparsable log line", where + ": JSON needs one of \"hash\", \"storePath\", \"url\"");
                return null;
            }
            return new LogRecord(ms, client.asText(), normalise(target));
        } catch (IOException | DateTimeParseException e) {
            bad.report("unparsable log line", where + ": " + firstLine(e.getMessage()));
            return null;
        }
    }

    private LogRecord csv(String t, String where) {
        String[] f = t.split(",", -1);
        if (f.length != 3 || f[1].isBlank() || f[2].isBlank()) {
            bad.report("unparsable log line", where + ": not JSONL, CSV (time,client,target) or common log format: "
                    + abbreviate(t));
            return null;
        }
        try {
            String ts = f[0].strip();
            long ms = ts.matches("[0-9]+(\\.[0-9]+)?") ? (long) (Double.parseDouble(ts) * 1000) : parseTime(ts);
            return new LogRecord(ms, f[1].strip(), normalise(f[2].strip()));
        } catch (DateTimeParseException | NumberFormatException e) {
            bad.report("unparsable log line", where + ": bad time " + abbreviate(f[0]));
            return null;
        }
    }

    private LogRecord access(Matcher m, String where) {
        String method = m.group(4), path = m.group(5);
        int status = Integer.parseInt(m.group(6));
        if (!method.equals("GET") || !(status == 200 || status == 206 || status == 304)) {
            bad.report("ignored log request", where + ": " + method + " " + abbreviate(path) + " " + status
                    + " (only successful GETs count)");
            return null;
        }
        int q = path.indexOf('?');
        if (q >= 0) path = path.substring(0, q);
        String target = normalise(path);
        if (!(target.endsWith(".narinfo") || target.startsWith("nar/"))) {
            bad.report("ignored log request", where + ": GET " + abbreviate(path) + " is neither a narinfo nor a NAR");
            return null;
        }
        long ms;
        try {
            ms = OffsetDateTime.parse(m.group(3), CLF_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            bad.report("unparsable log line", where + ": bad time [" + m.group(3) + "]");
            return null;
        }
        String client = m.group(1);
        if (m.group(9) != null && !m.group(9).isEmpty() && !m.group(9).equals("-")) client += " " + m.group(9);
        return new LogRecord(ms, client, target);
    }

    /** A hash part, or a URL path without its leading slashes and base. */
    static String normalise(String target) {
        String s = target;
        if (s.startsWith("/nix/store/")) {
            String base = s.substring("/nix/store/".length());
            return base.length() >= 32 ? base.substring(0, 32) : base;
        }
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            int slash = s.indexOf('/', scheme + 3);
            s = slash < 0 ? "" : s.substring(slash);
        }
        while (s.startsWith("/")) s = s.substring(1);
        // a cache under a sub path: keep what starts at nar/ or the narinfo file name
        int nar = s.lastIndexOf("nar/");
        if (nar > 0 && s.charAt(nar - 1) == '/') s = s.substring(nar);
        else if (s.endsWith(".narinfo") && s.lastIndexOf('/') >= 0) s = s.substring(s.lastIndexOf('/') + 1);
        return s;
    }

    private static long parseTime(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return Instant.parse(s).toEpochMilli();
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static String firstLine(String s) {
        if (s == null) return "invalid JSON";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
