package org.nixswarm.planner.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.nar.Xz;
import org.nixswarm.core.store.StorePath;
import org.nixswarm.planner.PlannerException;

/**
 * A store-paths list as NixOS channels publish it ({@code store-paths.xz}): one
 * {@code /nix/store/<hash>-<name>} per line, plain or xz-compressed (detected by magic bytes).
 * A local file or an HTTP(S) URL.
 */
public final class StorePathsList {
    private StorePathsList() {}

    /** Hash parts in first-seen order; unparsable lines go to {@code bad}. */
    public static List<String> read(String where, BadInput bad) {
        try (InputStream raw = openRaw(where)) {
            InputStream in = new java.io.BufferedInputStream(raw);
            in.mark(8);
            byte[] magic = in.readNBytes(6);
            in.reset();
            boolean xz = magic.length == 6 && (magic[0] & 0xff) == 0xFD && magic[1] == '7' && magic[2] == 'z'
                    && magic[3] == 'X' && magic[4] == 'Z' && magic[5] == 0;
            if (xz) in = Xz.decompressing(in);
            Set<String> out = new LinkedHashSet<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                String t = line.strip();
                if (t.isEmpty()) continue;
                try {
                    out.add(StorePath.parse(t).hashPart());
                } catch (FormatException e) {
                    bad.report("bad store-paths line", where + ":" + no + ": " + e.getMessage());
                }
            }
            return new ArrayList<>(out);
        } catch (IOException e) {
            throw new PlannerException("--store-paths " + where + ": " + e.getMessage(), e);
        }
    }

    private static InputStream openRaw(String where) throws IOException {
        if (where.startsWith("http://") || where.startsWith("https://")) {
            HttpClient c = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
            try {
                HttpResponse<InputStream> r = c.send(HttpRequest.newBuilder(URI.create(where)).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200) {
                    r.body().close();
                    throw new IOException("HTTP " + r.statusCode());
                }
                return r.body();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        Path p = Path.of(where);
        if (!Files.isRegularFile(p)) throw new IOException("no such file");
        return Files.newInputStream(p);
    }
}
