package org.nixswarm.core.store;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.testing.Tools;

/** Cross-checks base32 and hash forms against real Nix's {@code nix-hash}. */
class RealNixHashTest {

    static List<String> nixHash(String... args) throws IOException, InterruptedException {
        Path nixHash = Tools.require("nix-hash", "nix-bin");
        List<String> cmd = new ArrayList<>();
        cmd.add(nixHash.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        List<String> lines = out.isEmpty() ? List.of() : List.of(out.split("\n"));
        if (rc != 0) return List.of("exit " + rc + ": " + out.strip());
        return lines;
    }

    @Test
    void base32MatchesNixForRandomDigestsOfEveryAlgorithm() throws Exception {
        Random r = new Random(7);
        for (HashAlgorithm a : HashAlgorithm.values()) {
            List<Hash> hashes = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                byte[] d = new byte[a.size()];
                r.nextBytes(d);
                if (i == 0) java.util.Arrays.fill(d, (byte) 0);
                if (i == 1) java.util.Arrays.fill(d, (byte) 0xff);
                hashes.add(new Hash(a, d));
            }
            List<String> args = new ArrayList<>(List.of("--type", a.nixName(), "--to-base32"));
            for (Hash h : hashes) args.add(h.toBase16());
            List<String> nix = nixHash(args.toArray(String[]::new));
            assertEquals(hashes.size(), nix.size(), () -> "nix-hash said: " + nix);
            for (int i = 0; i < hashes.size(); i++) {
                assertEquals(nix.get(i), hashes.get(i).toBase32(), a + " " + hashes.get(i).toBase16());
                assertEquals(hashes.get(i), Hash.parse(a.nixName() + ":" + nix.get(i)));
            }

            args = new ArrayList<>(List.of("--type", a.nixName(), "--to-base16"));
            for (Hash h : hashes) args.add(h.toBase32());
            List<String> nix16 = nixHash(args.toArray(String[]::new));
            for (int i = 0; i < hashes.size(); i++) {
                assertEquals(nix16.get(i), hashes.get(i).toBase16());
            }
        }
    }

    @Test
    void sriFormMatchesNix() throws Exception {
        Hash h = Hash.sha256("nix-swarm".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(h.toBase32()), nixHash("--type", "sha256", "--to-base32", h.toSri()));
        assertEquals(List.of(h.toBase16()), nixHash("--type", "sha256", "--to-base16", h.toSri()));
    }

    @Test
    void nixAndWeBothRejectNonZeroUnusedBits() throws Exception {
        String bad = "2mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73";
        assertTrue(nixHash("--type", "sha256", "--to-base16", bad).get(0).startsWith("exit "));
        assertThrows(FormatException.class, () -> Hash.parse("sha256:" + bad));
    }
}
