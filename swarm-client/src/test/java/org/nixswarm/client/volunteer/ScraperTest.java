package org.nixswarm.client.volunteer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nixswarm.client.EndlessAnswerServer;

/**
 * BEP 48 scrapes: the seeder counts are read from a tracker's answer, and the answer is bounded in
 * size and time (a tracker streaming an endless body was read whole for three timeouts).
 */
class ScraperTest {
    private static final String IH = "0123456789abcdef0123456789abcdef01234567";

    private static EndlessAnswerServer tracker(byte[] head, long stream) throws IOException {
        return new EndlessAnswerServer("scrape-tracker", head, stream);
    }

    private static byte[] answer(String body) {
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        String head = "HTTP/1.1 200 OK\r\nContent-Length: " + b.length + "\r\n\r\n";
        return (head + body).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Map<String, Integer> scrape(String baseUrl) throws Exception {
        Scraper s = new Scraper(Duration.ofSeconds(1));
        // three times the timeout is the longest any HTTP exchange of the client may take
        return CompletableFuture.supplyAsync(() -> {
            try {
                return s.seeders(baseUrl + "announce", List.of(IH));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(6, TimeUnit.SECONDS);
    }

    @Test
    void theSeedersOfEachInfohashAreRead() throws Exception {
        String key = new String(java.util.HexFormat.of().parseHex(IH), StandardCharsets.ISO_8859_1);
        try (EndlessAnswerServer t = tracker(answer("d5:filesd20:" + key + "d8:completei7e10:downloadedi3e10:incompletei2eeee"), 0)) {
            assertEquals(Map.of(IH, 7), scrape(t.baseUrl()));
        }
    }

    @Test
    void anEndlessAnswerIsRefusedWithoutReadingItAll() throws Exception {
        byte[] head = "HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\nd5:filesd".getBytes(StandardCharsets.US_ASCII);
        try (EndlessAnswerServer t = tracker(head, 256L << 20)) {
            Exception e = assertThrows(Exception.class, () -> scrape(t.baseUrl()));
            assertTrue(e.getCause() != null && e.getCause().getMessage().contains("larger than"), String.valueOf(e.getCause()));
            assertTrue(t.sent.get() < (256L << 20), "stopped reading long before the tracker stopped sending");
        }
    }

    @Test
    void anAnswerThatIsNotBencodeIsAClearError() throws Exception {
        try (EndlessAnswerServer t = tracker(answer("<html>not a tracker</html>"), 0)) {
            Exception e = assertThrows(Exception.class, () -> scrape(t.baseUrl()));
            assertTrue(e.getCause().getMessage().contains("bad bencoding"), e.getCause().getMessage());
        }
    }
}
