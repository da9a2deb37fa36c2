package org.nixswarm.tracker.http;

import io.netty.buffer.ByteBuf;

/**
 * An answer for {@link HttpTrackerResponseEncoder}: status, body (released by the encoder), and
 * whether the connection closes after it.
 */
record HttpTrackerResponse(int status, ByteBuf body, boolean close, boolean explicitKeepAlive, boolean prometheus) {}
