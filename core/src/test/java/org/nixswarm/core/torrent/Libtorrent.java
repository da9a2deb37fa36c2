package org.nixswarm.core.torrent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nixswarm.core.testing.Tools;

/** Runs Debian's python3-libtorrent (2.0) on torrents and magnet links and returns what it saw, as JSON. */
final class Libtorrent {
    private static final String SCRIPT = """
import json, sys, os, time
import libtorrent as lt

def info(path):
    ti = lt.torrent_info(path)
    fs = ti.files()
    files = []
    for i in range(fs.num_files()):
        files.append({"path": fs.file_path(i), "size": fs.file_size(i), "offset": fs.file_offset(i),
                      "pad": bool(fs.file_flags(i) & lt.file_storage.flag_pad_file)})
    return {"info_hash": str(ti.info_hashes().v1), "name": ti.name(), "piece_length": ti.piece_length(),
            "num_pieces": ti.num_pieces(), "total_size": ti.total_size(), "files": files,
            "web_seeds": [w["url"] for w in ti.web_seeds()],
            "trackers": [[t.url, t.tier] for t in ti.trackers()],
            "piece_hashes": [ti.hash_for_piece(i).hex() for i in range(ti.num_pieces())],
            "private": ti.priv()}

def create(src, out, piece_size, mode):
    fs = lt.file_storage()
    lt.add_files(fs, src)
    flags = {"v1canonical": lt.create_torrent.v1_only | lt.create_torrent.canonical_files,
             "v1notail": lt.create_torrent.v1_only | lt.create_torrent.canonical_files_no_tail_padding,
             "hybrid": 0}[mode]
    ct = lt.create_torrent(fs, piece_size, flags=flags)
    ct.add_url_seed("http://127.0.0.1:1/cache/")
    ct.add_tracker("http://127.0.0.1:1/announce", 0)
    ct.add_tracker("udp://127.0.0.1:2/announce", 1)
    ct.set_creator("libtorrent test")
    lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(src)))
    data = lt.bencode(ct.generate())
    with open(out, "wb") as f:
        f.write(data)
    return info(out)

def check(path, save_path):
    ses = lt.session({"listen_interfaces": "127.0.0.1:0", "enable_dht": False, "enable_lsd": False,
                      "enable_upnp": False, "enable_natpmp": False, "outgoing_interfaces": "lo"})
    p = lt.add_torrent_params()
    p.ti = lt.torrent_info(path)
    p.save_path = save_path
    p.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    p.flags |= lt.torrent_flags.upload_mode
    h = ses.add_torrent(p)
    # A torrent starts in checking_resume_data, then checks the files; afterwards it is seeding
    # when every piece passed its hash check, downloading otherwise.
    checking = (lt.torrent_status.checking_resume_data, lt.torrent_status.checking_files)
    deadline = time.time() + 30
    while time.time() < deadline and h.status().state in checking:
        time.sleep(0.05)
    s = h.status()
    pieces = list(s.pieces)
    return {"state": str(s.state), "have": sum(1 for x in pieces if x), "num_pieces": len(pieces),
            "progress": s.progress}

def magnet(uri):
    p = lt.parse_magnet_uri(uri)
    return {"info_hash": str(p.info_hashes.v1), "name": p.name, "trackers": list(p.trackers),
            "url_seeds": list(p.url_seeds), "file_priorities": [int(x) for x in p.file_priorities]}

cmd = sys.argv[1]
if cmd == "info": r = info(sys.argv[2])
elif cmd == "create": r = create(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
elif cmd == "check": r = check(sys.argv[2], sys.argv[3])
elif cmd == "magnet": r = magnet(sys.argv[2])
print(json.dumps(r))
            """;

    private final Path python;
    private final Path script;

    private Libtorrent(Path python, Path script) {
        this.python = python;
        this.script = script;
    }

    /** Skips (locally) or fails (CI) when python3-libtorrent is missing. */
    static Libtorrent require(Path dir) throws IOException {
        Path python = Tools.requirePythonLibtorrent();
        Path script = dir.resolve("lt_tool.py");
        Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
        return new Libtorrent(python, script);
    }

    /** info_hash, name, piece_length, num_pieces, total_size, files[{path,size,offset,pad}], web_seeds, trackers[[url,tier]], piece_hashes, private. */
    JsonNode info(Path torrent) throws Exception {
        return run("info", torrent.toString());
    }

    /** Creates a torrent of {@code src} with libtorrent; mode v1canonical, v1notail or hybrid. */
    JsonNode create(Path src, Path out, int pieceSize, String mode) throws Exception {
        return run("create", src.toString(), out.toString(), Integer.toString(pieceSize), mode);
    }

    /** Adds the torrent to a session over existing data and reports how many pieces pass the hash check. */
    JsonNode check(Path torrent, Path savePath) throws Exception {
        return run("check", torrent.toString(), savePath.toString());
    }

    JsonNode magnet(String uri) throws Exception {
        return run("magnet", uri);
    }

    private JsonNode run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(python.toString(), script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("libtorrent script timed out: " + cmd);
        }
        if (p.exitValue() != 0) throw new IllegalStateException("libtorrent script failed (" + p.exitValue() + "): " + cmd);
        return new ObjectMapper().readTree(out);
    }
}
