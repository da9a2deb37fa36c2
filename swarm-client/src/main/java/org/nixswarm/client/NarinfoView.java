package org.nixswarm.client;

import java.util.List;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.narinfo.NarInfo;

/**
 * The narinfo fields the client acts on (URL, FileHash, FileSize), next to the exact text it
 * passes on to Nix unchanged (signatures intact). Parsed and checked by core's {@link NarInfo}.
 */
public record NarinfoView(String storePath, String storeHash, String url, String fileHash, long fileSize,
                          List<String> references, String text) {

    public static NarinfoView parse(String text, String source) {
        NarInfo n;
        try {
            n = NarInfo.parse(text, source);
        } catch (FormatException e) {
            throw new ClientException(e.getMessage());
        }
        if (n.fileHash().isEmpty()) throw new ClientException(source + ": narinfo has no FileHash");
        if (n.fileSize().isEmpty()) throw new ClientException(source + ": narinfo has no FileSize");
        String url = n.url();
        if (!url.startsWith("nar/") || url.contains("..") || url.indexOf('/', 4) >= 0 || url.length() == 4) {
            throw new ClientException(source + ": narinfo URL is not nar/<file>: '" + url + "'");
        }
        String refs = n.field(NarInfo.REFERENCES).orElse("").trim();
        return new NarinfoView(n.storePath().toString(), n.storePath().hashPart(), url, n.fileHash().get().toString(),
                n.fileSize().getAsLong(), refs.isEmpty() ? List.of() : List.of(refs.split(" ")), text);
    }

    /** The file name under {@code nar/}. */
    public String fileName() {
        return url.substring(4);
    }
}
