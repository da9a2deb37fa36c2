package org.nixswarm.client.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.TestBundle;
import org.nixswarm.client.cache.NarFile;

/**
 * A torrent's {@code url-list} is outside its infohash, so nothing vouches for it: an entry that is
 * not a usable http(s) URL is skipped and the next web seed serves. (An entry with a space in it
 * used to throw out of the web seed's loop, failing the download with the good seed never asked.)
 */
class BadWebSeedUrlTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"http://bad host/", "ftp://127.0.0.1/", "http://127.0.0.1:99999/", "relative/path/", "http://%zz/"})
    void aBadWebSeedUrlIsSkippedAndTheNextSeedServes(String bad) throws Exception {
        try (TestBundle b = new TestBundle(tmp.resolve("cache"), new long[] {100_000}, 16384, 5, List.of(bad))) {
            String index = b.startIndex();
            // no upstream and no peers: the torrent's web seeds are the only source
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client"), index))) {
                NarFile f = c.download(c.resolve(b.hash(0)));
                f.completion().get(20, TimeUnit.SECONDS);
                assertEquals(100_000, f.bytesFromWebSeed());
                assertArrayEquals(b.data(0), Files.readAllBytes(tmp.resolve("client/nar/" + b.fileName(0))));
            }
        }
    }
}
