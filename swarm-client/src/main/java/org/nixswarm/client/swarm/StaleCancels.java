package org.nixswarm.client.swarm;

import bt.protocol.Request;
import bt.torrent.annotation.Consumes;
import bt.torrent.messaging.Mapper;
import bt.torrent.messaging.MessageContext;

/**
 * A request supersedes an earlier cancel of the same block. Bt 1.10 remembers a peer's Cancel
 * until a Piece with that key is about to go out, and then drops that Piece. A Cancel that came
 * after its block was already sent is never used up: the next request for the same block (a
 * downloader re-asks after its assignment timed out, and its timeout sends Cancel again) is
 * answered into the void, and the two sides loop like that for as long as the connection lives.
 * Seen when many files were wanted at once: pieces of a bundle stopped arriving for 30 s, until
 * the web seed took over.
 */
public final class StaleCancels {
    @Consumes
    public void consume(Request request, MessageContext context) {
        context.getConnectionState().getCancelledPeerRequests()
                .remove(Mapper.mapper().buildKey(request.getPieceIndex(), request.getOffset(), request.getLength()));
    }
}
