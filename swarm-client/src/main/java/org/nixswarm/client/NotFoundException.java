package org.nixswarm.client;

/** The path or file is known nowhere this client may ask (a 404, not a failure). */
public final class NotFoundException extends ClientException {
    public NotFoundException(String message) {
        super(message);
    }
}
