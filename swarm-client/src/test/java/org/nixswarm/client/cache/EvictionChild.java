package org.nixswarm.client.cache;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.nixswarm.core.store.Hash;

/**
 * The process {@link EvictionKillTest} kills: {@code open DIR CAPACITY} opens the cache (its start-up
 * scan evicts down to the bound) and waits; {@code churn DIR CAPACITY SEED} completes random files
 * named by their hash forever, each completion evicting the oldest, with the next file half written
 * in {@code partial/} most of the time. Prints {@code ready} once the cache is open.
 */
public final class EvictionChild {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        long capacity = Long.parseLong(args[2]);
        NarCache cache = new NarCache(dir, capacity);
        System.out.println("ready");
        System.out.flush();
        if (args[0].equals("open")) {
            Thread.sleep(60_000);
            return;
        }
        Random rnd = new Random(Long.parseLong(args[3]));
        for (long n = 0; ; n++) {
            byte[] data = new byte[20_000 + rnd.nextInt(180_000)];
            rnd.nextBytes(data);
            Hash h = Hash.sha256(data);
            NarFile f = cache.file(EvictionKillTest.nameOf(h), data.length, h.toBase32String());
            f.prepare(0);
            for (int off = 0; off < data.length; off += 8192) {
                f.append(ByteBuffer.wrap(data, off, Math.min(8192, data.length - off)));
            }
            f.finishStream();
            if (n % 20 == 0) {
                System.out.println("completed " + n);
                System.out.flush();
            }
        }
    }
}
