package org.nixswarm.client.resolve;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nixswarm.core.sign.SecretKey;
import org.nixswarm.core.store.NixBase32;

/**
 * Prefix answers are kept for their TTL, within a bound on the entries kept in all: a long-running
 * substituter asks for thousands of prefixes, and an index (honest, about 150 entries a bucket, or
 * hostile, up to the 64 MiB an answer may take) fills the heap otherwise. (Expired answers were
 * never dropped: every prefix ever asked for stayed in memory, each bucket whole.)
 */
class PrefixCacheBoundTest {
    private static final int PER_PREFIX = 200;

    @Test
    void expiredPrefixAnswersAreDropped() throws Exception {
        lookUpDistinctPrefixes(300, Duration.ofMillis(1), PER_PREFIX * 2);
    }

    @Test
    void freshPrefixAnswersAreKeptWithinTheBound() throws Exception {
        lookUpDistinctPrefixes(IndexClient.PREFIX_ENTRIES / PER_PREFIX + 20, Duration.ofMinutes(5), IndexClient.PREFIX_ENTRIES);
    }

    private void lookUpDistinctPrefixes(int count, Duration ttl, int bound) throws Exception {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < PER_PREFIX; i++) {
            json.append(i == 0 ? "" : ",").append("{\"storeHash\":\"").append(String.format("%032d", i)).append("\",\"narinfo\":\"")
                    .append("x".repeat(1000)).append("\"}");
        }
        byte[] answer = json.append(']').toString().getBytes(StandardCharsets.UTF_8);
        HttpServer index = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        index.createContext("/", ex -> {
            ex.sendResponseHeaders(200, answer.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(answer);
            }
        });
        index.start();
        try {
            String key = SecretKey.generate("p-1", new SecureRandom()).publicKey().toNixFormat();
            IndexClient c = new IndexClient("http://127.0.0.1:" + index.getAddress().getPort() + "/",
                    List.of(org.nixswarm.core.sign.PublicKey.parse(key)), Duration.ofSeconds(5), ttl);
            Random rnd = new Random(3);
            Set<String> prefixes = new HashSet<>();
            byte[] h = new byte[20];
            while (prefixes.size() < count) {
                rnd.nextBytes(h);
                String hash = NixBase32.encode(h);
                if (!prefixes.add(IndexClient.prefixOf(hash))) continue;
                c.lookup(hash); // none of the junk entries is this hash: empty, and the bucket is kept
            }
            Thread.sleep(5);
            c.lookup(NixBase32.encode(new byte[20])); // one more fetch
            assertTrue(c.cachedPrefixEntries() <= bound, c.cachedPrefixEntries() + " entries kept from " + (count + 1)
                    + " prefix answers of " + PER_PREFIX + " entries (bound " + bound + ")");
            assertTrue(c.cachedPrefixEntries() >= PER_PREFIX, "the last answer is kept");
        } finally {
            index.stop(0);
        }
    }
}
