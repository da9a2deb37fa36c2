package org.nixswarm.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers every request on 127.0.0.1 with the bytes {@code head} (status line, headers, maybe the
 * start of a body), then {@code stream} bytes of filler as fast as the client takes them, then
 * silence until the client hangs up: a hostile server's endless or stalled body.
 */
public final class EndlessAnswerServer extends RawHttpServer {
    /** Filler bytes written so far. */
    public final AtomicLong sent = new AtomicLong();
    private final byte[] head;
    private final long stream;

    public EndlessAnswerServer(String name, byte[] head, long stream) throws IOException {
        super(name);
        this.head = head.clone();
        this.stream = stream;
    }

    @Override
    protected void serve(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        if (readHead(in) == null) return;
        out.write(head);
        byte[] junk = new byte[64 << 10];
        while (sent.get() < stream) {
            out.write(junk);
            sent.addAndGet(junk.length);
        }
        out.flush();
        while (in.read() >= 0) {
            // silence until the client hangs up
        }
    }
}
