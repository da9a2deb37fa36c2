package org.nixswarm.planner.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.core.sign.PublicKey;
import org.nixswarm.planner.PlannerException;

/**
 * Reads the cache's narinfos and checks each one before it may enter a bundle: it parses, it is
 * the path that was asked for, its URL is a single file under {@code nar/}, it has a FileSize,
 * it is signed by a trusted key (when keys are given), and its NAR file exists with that size.
 * Every rejected path is reported to {@link BadInput} with the reason.
 */
public final class CacheReader {
    private final CacheSource cache;
    private final Collection<PublicKey> trusted;
    private final BadInput bad;
    private final int concurrency;
    private final Progress progress;

    public CacheReader(CacheSource cache, Collection<PublicKey> trusted, BadInput bad, int concurrency, Progress progress) {
        this.cache = cache;
        this.trusted = trusted;
        this.bad = bad;
        this.concurrency = Math.max(1, concurrency);
        this.progress = progress;
    }

    /** The usable paths, in the order of {@code hashParts}. */
    public List<CachedPath> read(List<String> hashParts) {
        Map<String, CachedPath> ok = new ConcurrentHashMap<>();
        AtomicLong done = new AtomicLong();
        cache.narInfos(hashParts, (h, bytes, err) -> {
            try {
                CachedPath p = check(h, bytes, err);
                if (p != null) ok.put(h, p);
            } catch (PlannerException e) {
                strictFailure.compareAndSet(null, e);
            }
            progress.update("narinfos", done.incrementAndGet(), hashParts.size());
        });
        if (strictFailure.get() != null) throw strictFailure.get();
        List<CachedPath> found = new ArrayList<>();
        for (String h : hashParts) {
            CachedPath p = ok.get(h);
            if (p != null) found.add(p);
        }
        return checkNars(found);
    }

    private final java.util.concurrent.atomic.AtomicReference<PlannerException> strictFailure =
            new java.util.concurrent.atomic.AtomicReference<>();

    private CachedPath check(String h, byte[] bytes, Exception err) {
        String where = h + ".narinfo";
        if (err != null) {
            bad.report("unreadable narinfo", where + ": " + err.getMessage());
            return null;
        }
        if (bytes == null) {
            bad.report("missing narinfo", where + ": not in the cache");
            return null;
        }
        NarInfo info;
        try {
            info = NarInfo.parse(bytes, where);
        } catch (FormatException e) {
            bad.report("corrupt narinfo", e.getMessage());
            return null;
        }
        if (!info.storePath().hashPart().equals(h)) {
            bad.report("corrupt narinfo", where + ": StorePath is " + info.storePath() + ", a different path");
            return null;
        }
        String url = info.url();
        if (url == null || !url.startsWith("nar/") || url.length() <= 4 || url.indexOf('/', 4) >= 0
                || url.contains("..")) {
            bad.report("unusable narinfo", where + ": URL " + url + " is not a file under nar/");
            return null;
        }
        if (info.fileSize().isEmpty()) {
            bad.report("unusable narinfo", where + ": no FileSize (the torrent needs the file's size)");
            return null;
        }
        if (!trusted.isEmpty() && !info.verify(trusted)) {
            bad.report("untrusted narinfo", where + ": no Sig verifies with a --trusted-key");
            return null;
        }
        return new CachedPath(info, new String(bytes, StandardCharsets.UTF_8), url, info.fileSize().getAsLong());
    }

    /** Drops paths whose NAR is missing or has another size than FileSize says. */
    private List<CachedPath> checkNars(List<CachedPath> paths) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, 16), r -> {
            Thread t = new Thread(r, "planner-nar-check");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Long>> sizes = new ArrayList<>();
            for (CachedPath p : paths) sizes.add(pool.submit(() -> cache.size(p.url())));
            List<CachedPath> out = new ArrayList<>();
            for (int i = 0; i < paths.size(); i++) {
                CachedPath p = paths.get(i);
                long size;
                try {
                    size = sizes.get(i).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    bad.report("missing NAR", p.url() + " (" + p.info().storePath() + "): " + e.getCause().getMessage());
                    continue;
                }
                if (size < 0) {
                    bad.report("missing NAR", p.url() + " (" + p.info().storePath() + "): not in the cache");
                } else if (size != p.fileSize()) {
                    bad.report("NAR size mismatch", p.url() + ": " + size + " bytes, narinfo FileSize " + p.fileSize());
                } else {
                    out.add(p);
                }
                progress.update("NAR files", i + 1, paths.size());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlannerException("interrupted while checking NAR files");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Convenience for callers that hold IOExceptions. */
    static PlannerException fail(String what, IOException e) {
        return new PlannerException(what + ": " + e.getMessage(), e);
    }
}
