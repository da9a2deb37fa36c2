package org.nixswarm.tracker.http;

import org.nixswarm.tracker.ErrorKind;

/**
 * One request head as {@link HttpTrackerRequestDecoder} framed it: the method, the raw target
 * bytes (path and query, still percent-encoded), and the few headers the tracker reads. A head
 * that could not be framed arrives with an {@code error}, a status and a message instead.
 *
 * @param get whether the method is GET
 * @param target the request target's bytes
 * @param keepAlive whether the connection stays open after the answer
 * @param http10 whether the request was HTTP/1.0 (it then needs an explicit keep-alive header)
 * @param forwardedFor the last address of {@code X-Forwarded-For}, or null
 * @param error why framing failed, or null
 */
record HttpTrackerRequest(
        boolean get,
        String method,
        byte[] target,
        boolean keepAlive,
        boolean http10,
        String forwardedFor,
        ErrorKind error,
        int status,
        String message) {

    static HttpTrackerRequest malformed(ErrorKind error, int status, String message) {
        return new HttpTrackerRequest(false, null, null, false, false, null, error, status, message);
    }
}
