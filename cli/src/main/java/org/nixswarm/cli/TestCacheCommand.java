package org.nixswarm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.testcache.TestCache;
import org.nixswarm.core.testcache.TestCacheGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nix-swarm testcache}: writes a real, signed binary cache of generated store paths. */
@Command(
        name = "testcache",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a real, signed binary cache of generated store paths.",
            "",
            "Files: nix-cache-info, signed <hash>.narinfo, nar/<filehash>.nar.xz and public-key (Nix's name:base64"
                    + " format). The paths form a reference DAG (glibc-like paths under everything, deep closures);"
                    + " NarSize follows cache.nixos.org's distribution, capped by --max-size. The same seed and key"
                    + " give the same bytes.",
            "",
        })
final class TestCacheCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write (must be empty or absent).")
    Path out;

    @Option(names = "--paths", required = true, paramLabel = "N", description = "Number of store paths.")
    int paths;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--key", paramLabel = "FILE",
            description = "Secret key file (Nix format, name:base64); default: a key derived from the seed, named "
                    + TestCacheGenerator.DEFAULT_KEY_NAME + ".")
    Path key;

    @Option(names = "--max-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Largest NarSize, e.g. 512K, 8M, 1G (default: 8M).")
    Long maxSize;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (paths < 1) throw new FormatException("--paths must be at least 1, not " + paths);
        TestCacheGenerator g = TestCacheGenerator.create(paths).withSeed(seed);
        if (maxSize != null) {
            if (maxSize < TestCacheGenerator.MIN_MAX_SIZE) {
                throw new FormatException("--max-size must be at least " + TestCacheGenerator.MIN_MAX_SIZE + " bytes");
            }
            g = g.withMaxSize(maxSize);
        }
        if (key != null) {
            if (!Files.isRegularFile(key)) throw new FormatException("--key " + key + ": no such file");
            g = g.withKey(SecretKey.readFile(key));
        }
        long t0 = System.nanoTime();
        TestCache cache = g.generate(out);
        double seconds = (System.nanoTime() - t0) / 1e9;
        TestCache.Entry deepest = cache.deepest();
        var w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "wrote %d store paths to %s in %.1f s: NarSize %s in total, .nar.xz %s%n",
                cache.entries().size(), out, seconds, human(cache.totalNarSize()), human(cache.totalFileSize()));
        w.printf(Locale.ROOT, "public key: %s%n", cache.publicKey().toNixFormat());
        w.printf(Locale.ROOT, "deepest closure: %s (depth %d, %d paths)%n",
                deepest.storePath(), deepest.depth(), cache.closure(deepest.storePath()).size());
        w.flush();
        return 0;
    }

    private static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Sizes like {@code 4096}, {@code 512K}, {@code 8M}, {@code 8MiB}, {@code 1G} (binary units). */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        private static final Pattern SIZE = Pattern.compile("(\\d{1,15})\\s*([KMGT]?)(?:i?B)?", Pattern.CASE_INSENSITIVE);

        @Override
        public Long convert(String value) {
            Matcher m = SIZE.matcher(value.trim());
            if (!m.matches()) throw new CommandLine.TypeConversionException("'" + value + "' is not a size (e.g. 512K, 8M, 1G)");
            long n = Long.parseLong(m.group(1));
            int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                case "T" -> 40;
                default -> 0;
            };
            if (n > (Long.MAX_VALUE >> shift)) throw new CommandLine.TypeConversionException("'" + value + "' is too large");
            return n << shift;
        }
    }
}
