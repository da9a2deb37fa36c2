package org.nixswarm.core.narinfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.nixswarm.core.testing.Tools;
import org.tukaani.xz.XZInputStream;

/**
 * The real cache.nixos.org narinfos in {@code ../shared/data}: concatenated narinfo texts, each
 * followed by one empty line. Other modules' tests may use them through core's test-jar.
 */
public final class SampleNarInfos {
    public static final String CACHE_NIXOS_ORG_KEY = "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=";
    public static final String SAMPLE = "cache-nixos-org-sample.narinfo.xz";
    public static final String TEXLIVE = "texlive-combined-full.narinfo.xz";

    private static List<String> sample;

    private SampleNarInfos() {}

    /** The 978 narinfo texts of the sample, each ending in its last line's newline. */
    public static synchronized List<String> cacheNixosOrgSample() {
        if (sample == null) sample = texts(SAMPLE);
        return sample;
    }

    /** The one narinfo with 3,690 references. */
    public static String texliveCombinedFull() {
        List<String> t = texts(TEXLIVE);
        if (t.size() != 1) throw new IllegalStateException(TEXLIVE + " holds " + t.size() + " narinfos");
        return t.get(0);
    }

    /** Splits an xz file of narinfos separated by empty lines. */
    public static List<String> texts(String sharedDataName) {
        String all;
        try (InputStream in = new XZInputStream(Files.newInputStream(Tools.sharedData(sharedDataName)))) {
            all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> out = new ArrayList<>();
        for (String chunk : all.split("\n\n")) {
            if (!chunk.isEmpty()) out.add(chunk.endsWith("\n") ? chunk : chunk + "\n");
        }
        return List.copyOf(out);
    }
}
