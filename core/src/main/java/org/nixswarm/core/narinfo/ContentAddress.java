package org.nixswarm.core.narinfo;

import org.nixswarm.core.FormatException;
import org.nixswarm.core.store.Hash;
import org.nixswarm.core.store.HashAlgorithm;
import org.nixswarm.core.store.Quoting;

/**
 * The CA field of a content-addressed path (libstore content-address.cc): {@code text:<hash>}
 * (sha256 only) or {@code fixed:[r:|git:]<hash>}, the hash with its algorithm prefix.
 */
final class ContentAddress {
    private ContentAddress() {}

    static String check(String value) {
        if (value.startsWith("text:")) {
            Hash h = Hash.parse(value.substring("text:".length()));
            if (h.algorithm() != HashAlgorithm.SHA256) {
                throw new FormatException("text content address must use sha256, not " + h.algorithm());
            }
            return value;
        }
        if (value.startsWith("fixed:")) {
            String rest = value.substring("fixed:".length());
            if (rest.startsWith("r:")) rest = rest.substring(2);
            else if (rest.startsWith("git:")) rest = rest.substring(4);
            Hash.parse(rest);
            return value;
        }
        throw new FormatException("not a content address (text:… or fixed:…): " + Quoting.quote(value));
    }
}
