package org.nixswarm.planner.logs;

/**
 * One download: when (epoch milliseconds), by whom (an opaque client id), and what: a 32-character
 * store-path hash part, or a cache URL path ({@code <hash>.narinfo} or {@code nar/<file>}), kept
 * as the log gave it and resolved against the cache later.
 */
public record LogRecord(long timeMillis, String client, String target) {}
