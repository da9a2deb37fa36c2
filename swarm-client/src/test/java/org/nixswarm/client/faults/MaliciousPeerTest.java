package org.nixswarm.client.faults;

import org.nixswarm.client.TestBundle;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.core.testcache.StaticHttpServer;

/**
 * Peers that speak the wire protocol badly, written by hand on a raw socket (Bt cannot be made to
 * misbehave): one cuts the connection in the middle of a piece message, one sends a bitfield of the
 * wrong length (Bt keeps the connection but never takes a block from it). Neither may contribute a byte; the download completes from the web seed.
 */
class MaliciousPeerTest {
    private static final int SIZE = 200_000;
    private static final int PIECE = 16384;
    @TempDir Path tmp;

    enum Mode { DISCONNECT_MID_PIECE, WRONG_BITFIELD }

    /** A one-torrent peer that claims every piece, then misbehaves as told. */
    static final class BadPeer implements AutoCloseable {
        final ServerSocket server;
        final CountDownLatch misbehaved = new CountDownLatch(1);
        final AtomicInteger connections = new AtomicInteger();
        final List<Integer> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile Socket current;

        BadPeer(byte[] infohash, byte[] data, int pieces, Mode mode) throws IOException {
            server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        current = s;
                        connections.incrementAndGet();
                        s.setSoTimeout(15_000);
                        serve(s, infohash, data, pieces, mode);
                    } catch (IOException e) {
                        // next connection, or closed
                    }
                }
            }, "bad-peer");
            thread.setDaemon(true);
            thread.start();
        }

        private void serve(Socket s, byte[] infohash, byte[] data, int pieces, Mode mode) throws IOException {
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] hs = new byte[68];
            in.readFully(hs);
            out.writeByte(19);
            out.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[8]);
            out.write(infohash);
            out.write("-FK0001-badbadbadbad".getBytes(StandardCharsets.US_ASCII));
            int bytes = (pieces + 7) / 8;
            byte[] bitfield = new byte[mode == Mode.WRONG_BITFIELD ? bytes + 3 : bytes];
            java.util.Arrays.fill(bitfield, (byte) 0xff);
            if (mode != Mode.WRONG_BITFIELD && pieces % 8 != 0) bitfield[bytes - 1] = (byte) (0xff << (8 - pieces % 8));
            out.writeInt(1 + bitfield.length);
            out.writeByte(5);
            out.write(bitfield);
            out.writeInt(1);
            out.writeByte(1); // unchoke
            out.flush();
            if (mode == Mode.WRONG_BITFIELD) misbehaved.countDown();
            while (true) {
                int len;
                try {
                    len = in.readInt();
                } catch (IOException eof) {
                    return;
                }
                byte[] msg = new byte[len];
                in.readFully(msg);
                received.add(len == 0 ? -1 : (int) msg[0]);
                if (len == 13 && msg[0] == 6 && mode == Mode.DISCONNECT_MID_PIECE) {
                    var b = java.nio.ByteBuffer.wrap(msg, 1, 12);
                    int index = b.getInt(), begin = b.getInt(), length = b.getInt();
                    out.writeInt(9 + length);
                    out.writeByte(7);
                    out.writeInt(index);
                    out.writeInt(begin);
                    out.write(data, index * PIECE + begin, length / 2); // half the block, then gone
                    out.flush();
                    misbehaved.countDown();
                    return;
                }
            }
        }

        InetSocketAddress address() {
            return new InetSocketAddress("127.0.0.1", server.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            server.close();
            Socket s = current;
            if (s != null) s.close();
        }
    }

    @Test
    void aPeerThatDisconnectsMidPieceContributesNothingAndTheDownloadCompletes() throws Exception {
        run(Mode.DISCONNECT_MID_PIECE);
    }

    @Test
    void aPeerWithAWrongBitfieldIsDroppedAndTheDownloadCompletes() throws Exception {
        run(Mode.WRONG_BITFIELD);
    }

    private void run(Mode mode) throws Exception {
        Path root = tmp.resolve("cache");
        Files.createDirectories(root);
        try (StaticHttpServer up = new StaticHttpServer(root).start();
             TestBundle b = TestBundle.withWebSeedsOnly(root, new long[] {SIZE}, PIECE, 51, List.of(up.baseUrl()));
             BadPeer bad = new BadPeer(HexFormat.of().parseHex(b.infohash()), b.data(0), (SIZE + PIECE - 1) / PIECE, mode)) {
            String index = b.startIndex();
            // the peer gets a 10 s head start (Bt can take seconds to open the connection on a loaded machine) before the web seed comes in
            try (SwarmClient c = new SwarmClient(b.config(tmp.resolve("client"), index).withRaceDelay(Duration.ofSeconds(10)))) {
                NarFile f = c.download(c.resolve(b.hash(0)));
                c.swarm().addPeer(bad.address());
                assertTrue(bad.misbehaved.await(10, TimeUnit.SECONDS), mode + ": the leecher talked to the bad peer; connections " + bad.connections + ", messages " + bad.received);
                // Bt 1.10 does not hang up on a bitfield of the wrong length; it just never gets a block from that peer
                f.completion().get(30, TimeUnit.SECONDS);
                assertEquals(0, f.bytesFromPeers(), mode + ": no byte from the bad peer");
                assertEquals(SIZE, f.bytesFromWebSeed());
                assertArrayEquals(b.data(0), Files.readAllBytes(tmp.resolve("client/nar/" + b.fileName(0))));
                bad.close(); // before the client, so that its shutdown does not wait on a half-open connection
            }
        }
    }
}
