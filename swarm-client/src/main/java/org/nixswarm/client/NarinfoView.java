package org.nixswarm.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The few narinfo fields the client acts on (URL, FileHash, FileSize, References), read from the
 * narinfo text that it passes on unchanged. Kept minimal on purpose: parsing and signature checks
 * belong to core's NarInfo, which the client delegates to (see {@link CoreFormats}).
 */
public record NarinfoView(String storePath, String storeHash, String url, String fileHash, long fileSize,
                          List<String> references, String text) {

    public static NarinfoView parse(String text, String source) {
        String storePath = null, url = null, fileHash = null;
        long fileSize = -1;
        List<String> refs = List.of();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon < 0) continue;
            String key = line.substring(0, colon), value = line.substring(colon + 2).trim();
            switch (key) {
                case "StorePath" -> storePath = value;
                case "URL" -> url = value;
                case "FileHash" -> fileHash = value;
                case "FileSize" -> {
                    try {
                        fileSize = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new ClientException(source + ": FileSize is not a number: '" + value + "'");
                    }
                }
                case "References" -> refs = value.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(value.split(" ")));
                default -> { }
            }
        }
        if (storePath == null) throw new ClientException(source + ": narinfo has no StorePath");
        if (url == null) throw new ClientException(source + ": narinfo has no URL");
        if (fileHash == null) throw new ClientException(source + ": narinfo has no FileHash");
        if (fileSize < 0) throw new ClientException(source + ": narinfo has no FileSize");
        if (!url.startsWith("nar/") || url.contains("..") || url.indexOf('/', 4) >= 0) {
            throw new ClientException(source + ": narinfo URL is not nar/<file>: '" + url + "'");
        }
        String base = storePath.substring(storePath.lastIndexOf('/') + 1);
        if (base.length() < 33 || base.charAt(32) != '-') {
            throw new ClientException(source + ": StorePath is not /nix/store/<hash>-<name>: '" + storePath + "'");
        }
        return new NarinfoView(storePath, base.substring(0, 32), url, fileHash, fileSize, List.copyOf(refs), text);
    }

    /** The file name under {@code nar/}. */
    public String fileName() {
        return url.substring(4);
    }
}
