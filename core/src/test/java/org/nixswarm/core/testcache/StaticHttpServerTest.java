package org.nixswarm.core.testcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticHttpServerTest {
    @TempDir
    Path tmp;

    Path root;
    byte[] data;
    StaticHttpServer server;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectory(tmp.resolve("cache"));
        Files.createDirectory(root.resolve("nar"));
        data = new byte[100_000];
        new Random(3).nextBytes(data);
        Files.write(root.resolve("nar/file.nar.xz"), data);
        Files.writeString(root.resolve("nix-cache-info"), "StoreDir: /nix/store\n");
        Files.write(root.resolve("empty"), new byte[0]);
        Files.writeString(tmp.resolve("secret"), "secret");
        Files.createSymbolicLink(root.resolve("escape"), tmp.resolve("secret"));
        Files.createSymbolicLink(root.resolve("inside"), root.resolve("nix-cache-info"));
        server = new StaticHttpServer(root).start(0);
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private RawHttp.Response get(String target, String... headers) throws IOException {
        return RawHttp.request(server.port(), "GET", target, headers);
    }

    @Test
    void wholeFile() throws IOException {
        RawHttp.Response r = get("/nar/file.nar.xz");
        assertEquals(200, r.status());
        assertEquals("100000", r.header("Content-Length"));
        assertEquals("bytes", r.header("Accept-Ranges"));
        assertArrayEquals(data, r.body());
        assertTrue(server.baseUrl().matches("http://127\\.0\\.0\\.1:\\d+/"));
        assertEquals("StoreDir: /nix/store\n", new String(get("/nix-cache-info").body()));
        RawHttp.Response empty = get("/empty");
        assertEquals(200, empty.status());
        assertEquals("0", empty.header("Content-Length"));
        assertEquals(0, empty.body().length);
    }

    @Test
    void headHasTheLengthAndNoBody() throws IOException {
        RawHttp.Response r = RawHttp.request(server.port(), "HEAD", "/nar/file.nar.xz");
        assertEquals(200, r.status());
        assertEquals("100000", r.header("Content-Length"));
        assertEquals(0, r.body().length);
        assertEquals(404, RawHttp.request(server.port(), "HEAD", "/missing").status());
        RawHttp.Response ranged = RawHttp.request(server.port(), "HEAD", "/nar/file.nar.xz", "Range: bytes=0-9");
        assertEquals(206, ranged.status());
        assertEquals("10", ranged.header("Content-Length"));
    }

    @Test
    void ranges() throws IOException {
        RawHttp.Response r = get("/nar/file.nar.xz", "Range: bytes=10-19");
        assertEquals(206, r.status());
        assertEquals("bytes 10-19/100000", r.header("Content-Range"));
        assertEquals("10", r.header("Content-Length"));
        assertArrayEquals(Arrays.copyOfRange(data, 10, 20), r.body());

        r = get("/nar/file.nar.xz", "Range: bytes=99990-");
        assertEquals(206, r.status());
        assertEquals("bytes 99990-99999/100000", r.header("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(data, 99990, 100000), r.body());

        r = get("/nar/file.nar.xz", "Range: bytes=-5");
        assertEquals("bytes 99995-99999/100000", r.header("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(data, 99995, 100000), r.body());

        r = get("/nar/file.nar.xz", "Range: bytes=-200000"); // longer than the file: all of it
        assertEquals(206, r.status());
        assertEquals("bytes 0-99999/100000", r.header("Content-Range"));

        r = get("/nar/file.nar.xz", "Range: bytes=99000-200000"); // end clipped
        assertEquals("bytes 99000-99999/100000", r.header("Content-Range"));
        assertEquals(1000, r.body().length);

        r = get("/nar/file.nar.xz", "Range: bytes=0-0");
        assertArrayEquals(new byte[] {data[0]}, r.body());
    }

    @Test
    void unsatisfiableAndIgnoredRanges() throws IOException {
        for (String bad : new String[] {"bytes=100000-", "bytes=200000-300000", "bytes=-0"}) {
            RawHttp.Response r = get("/nar/file.nar.xz", "Range: " + bad);
            assertEquals(416, r.status(), bad);
            assertEquals("bytes */100000", r.header("Content-Range"), bad);
        }
        assertEquals(416, get("/empty", "Range: bytes=0-").status());
        // malformed or multiple ranges: ignored, the whole file
        for (String ignored : new String[] {"bytes=5-1", "bytes=0-1,5-6", "items=0-1", "bytes=x-y", "bytes=-"}) {
            RawHttp.Response r = get("/nar/file.nar.xz", "Range: " + ignored);
            assertEquals(200, r.status(), ignored);
            assertNull(r.header("Content-Range"));
            assertEquals(100000, r.body().length);
        }
    }

    @Test
    void notFoundNoListingNoEscape() throws IOException {
        for (String t : new String[] {"/missing", "/nar/", "/nar", "/", "/../secret", "/nar/../../secret",
                "/%2e%2e/secret", "/nar/%2E%2E/%2E%2E/secret", "/escape", "/nar/..%2f..%2fsecret", "/./nix-cache-info",
                "/nix-cache-info/", "/nar//file.nar.xz", "/%00"}) {
            RawHttp.Response r = get(t);
            assertEquals(404, r.status(), t);
            assertFalse(new String(r.body()).contains("secret"), t);
        }
        assertEquals(200, get("/inside").status(), "a symlink within the root is served");
        assertEquals(405, RawHttp.request(server.port(), "POST", "/nix-cache-info").status());
        assertEquals(405, RawHttp.request(server.port(), "DELETE", "/nix-cache-info").status());
    }

    @Test
    void restartsOnTheSamePort() throws IOException {
        int port = server.port();
        assertEquals(200, get("/nix-cache-info").status());
        server.stop();
        assertFalse(server.isRunning());
        assertThrows(ConnectException.class, () -> get("/nix-cache-info"));
        server.start();
        assertEquals(port, server.port());
        assertEquals(200, get("/nix-cache-info").status());
        server.stop();
        server.start(port);
        assertEquals(200, get("/nix-cache-info").status());
        assertTrue(server.requestCount() >= 3);
        assertTrue(server.recentRequests().stream().anyMatch(r -> r.path().equals("/nix-cache-info") && r.status() == 200));
    }

    @Test
    void closeReleasesThePort() throws IOException {
        int port = server.port();
        get("/nar/file.nar.xz", "Range: bytes=0-99");
        assertEquals(100, server.bytesServed());
        server.close();
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
        assertThrows(IllegalStateException.class, () -> server.start().start());
    }
}
