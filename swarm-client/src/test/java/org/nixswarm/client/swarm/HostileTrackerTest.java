package org.nixswarm.client.swarm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.tracker.TrackerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nixswarm.client.EndlessAnswerServer;

/**
 * A tracker is a third party, and a torrent's announce URLs are outside its infohash: its answer
 * must be bounded in size and in time. (The client once read the whole body into memory with no
 * limit and no deadline past the headers: a tracker streaming an endless body held Bt's announce
 * thread for ever and grew the heap until the JVM ran out.)
 */
class HostileTrackerTest {
    private static final TorrentId TORRENT = TorrentId.fromBytes(new byte[20]);

    /** Every announce answered with 200, a huge Content-Length, {@code send} bytes of it, then silence. */
    private static EndlessAnswerServer endlessTracker(long send) throws IOException {
        return new EndlessAnswerServer("endless-tracker",
                "HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\nd8:intervali5e5:peers".getBytes(StandardCharsets.US_ASCII), send);
    }

    private static TrackerResponse announce(String url) throws Exception {
        HttpTrackerClient client = new HttpTrackerClient(url, Duration.ofSeconds(1), "-NS0001-abcdefghijkl".getBytes(StandardCharsets.US_ASCII), 7000, null, 50, t -> new AnnounceStats.Transfer(0, 0, 1000));
        // three times the timeout is the longest any HTTP exchange of the client may take
        return CompletableFuture.supplyAsync(() -> client.request(TORRENT).start()).get(6, TimeUnit.SECONDS);
    }

    @Test
    void anAnswerLargerThanAnyTrackerSendsIsRefusedWithoutReadingItAll() throws Exception {
        try (EndlessAnswerServer t = endlessTracker(64L << 20)) {
            TrackerResponse r = announce(t.baseUrl() + "announce");
            assertFalse(r.isSuccess());
            assertTrue(r.getErrorMessage().contains("larger than"), r.getErrorMessage());
        }
    }

    @Test
    void anAnswerThatStopsMidBodyIsAFailureNotAHang() throws Exception {
        try (EndlessAnswerServer t = endlessTracker(10)) {
            TrackerResponse r = announce(t.baseUrl() + "announce");
            assertFalse(r.isSuccess());
            assertFalse(r.getErrorMessage().contains("\n"), r.getErrorMessage());
        }
    }
}
