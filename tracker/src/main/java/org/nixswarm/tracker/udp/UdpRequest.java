package org.nixswarm.tracker.udp;

import java.util.List;
import org.nixswarm.tracker.AnnounceRequest;

/** A BEP 15 request as {@link UdpRequestDecoder} read it. */
sealed interface UdpRequest {
    int transactionId();

    record Connect(int transactionId) implements UdpRequest {}

    record Announce(int transactionId, AnnounceRequest request) implements UdpRequest {}

    record Scrape(int transactionId, List<byte[]> infoHashes) implements UdpRequest {}
}
