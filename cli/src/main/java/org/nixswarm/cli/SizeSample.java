package org.nixswarm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.nar.Xz;
import org.nixswarm.core.narinfo.NarInfo;
import org.nixswarm.planner.PlannerException;

/** FileSizes of a file of concatenated narinfos (blank-line separated, optionally .xz), for fitting. */
final class SizeSample {
    private SizeSample() {}

    static long[] fileSizes(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = file.toString().endsWith(".xz") ? Xz.decompressing(raw) : raw;
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<Long> out = new ArrayList<>();
            for (String block : text.split("\n\\s*\n")) {
                if (block.isBlank()) continue;
                NarInfo n = NarInfo.parse(block.strip() + "\n", file.toString());
                n.fileSize().ifPresent(out::add);
            }
            return out.stream().mapToLong(Long::longValue).toArray();
        } catch (IOException | FormatException e) {
            throw new PlannerException("--fit-sizes " + file + ": " + e.getMessage());
        }
    }
}
