package org.nixswarm.client;

/** The swarm client's one user-facing error; its message says what is wrong, on one line. */
public class ClientException extends RuntimeException {
    public ClientException(String message) {
        super(message);
    }

    public ClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
