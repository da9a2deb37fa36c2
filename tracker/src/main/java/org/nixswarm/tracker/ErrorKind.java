package org.nixswarm.tracker;

/** Why a request was refused (or, for {@link #SWARM_FULL}, only partly served); a metric label. */
public enum ErrorKind {
    MISSING_FIELD("missing_field"),
    BAD_INFO_HASH("bad_info_hash"),
    BAD_PEER_ID("bad_peer_id"),
    BAD_PORT("bad_port"),
    BAD_NUMBER("bad_number"),
    BAD_NUMWANT("bad_numwant"),
    BAD_EVENT("bad_event"),
    BAD_FLAG("bad_flag"),
    BAD_IP("bad_ip"),
    BAD_KEY("bad_key"),
    MALFORMED_QUERY("malformed_query"),
    TOO_MANY_HASHES("too_many_hashes"),
    NOT_ALLOWED("not_allowed"),
    SWARM_LIMIT("swarm_limit"),
    SWARM_FULL("swarm_full"),
    NOT_FOUND("not_found"),
    BAD_METHOD("bad_method"),
    BAD_HTTP("bad_http"),
    HEADER_TOO_LARGE("header_too_large"),
    URI_TOO_LONG("uri_too_long"),
    IDLE_TIMEOUT("idle_timeout"),
    TOO_MANY_CONNECTIONS("too_many_connections"),
    UDP_MALFORMED("udp_malformed"),
    UDP_CONNECTION_ID("udp_connection_id"),
    UDP_ACTION("udp_action"),
    PLAN_RELOAD("plan_reload"),
    INTERNAL("internal");

    private final String label;

    ErrorKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
