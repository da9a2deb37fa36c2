package org.nixswarm.client;

import org.nixswarm.core.index.IndexEntry;

/** A resolved store path: its narinfo and, when it is in a bundle, the index entry (else null). */
public record Resolution(NarinfoView narinfo, IndexEntry entry) {
    public boolean inBundle() {
        return entry != null;
    }
}
