package org.nixswarm.dht;

/**
 * The DHT node cannot do what was asked: it cannot bind, a lookup found nothing usable, an item
 * failed its signature, a key or bootstrap address is malformed. The message names which.
 */
public class DhtException extends RuntimeException {
    public DhtException(String message) {
        super(message);
    }

    public DhtException(String message, Throwable cause) {
        super(message, cause);
    }
}
