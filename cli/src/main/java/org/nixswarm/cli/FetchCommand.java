package org.nixswarm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.nixswarm.client.ClientException;
import org.nixswarm.client.Resolution;
import org.nixswarm.client.Sizes;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.cache.NarFile;
import org.nixswarm.client.http.SubstituterServer;
import org.nixswarm.core.FormatException;
import org.nixswarm.core.store.StorePath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nix-swarm fetch}: downloads a store path's file (or its closure) into the cache. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = {"Download a store path (with --closure, all it references) from the swarm into the cache,",
            "showing where the bytes came from; --realise then has Nix import it."})
public final class FetchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(paramLabel = "STORE-PATH", description = "/nix/store/<hash>-<name>")
    String path;

    @Option(names = "--closure", description = "Also fetch everything the path references, recursively.")
    boolean closure;

    @Option(names = "--realise", description = "Have Nix (nix-store -r) import the path through a temporary substituter.")
    boolean realise;

    @Option(names = "--store", paramLabel = "DIR", description = "With --realise: the Nix store to import into (nix-store --store).")
    String store;

    @Option(names = "--json", description = "Progress as JSON lines (the default without a terminal).")
    boolean json;

    @Mixin
    ClientOptions options;

    @Override
    public Integer call() throws Exception {
        StorePath sp;
        try {
            sp = StorePath.parse(path);
        } catch (FormatException e) {
            throw new ClientException(e.getMessage());
        }
        boolean jsonOut = json || System.console() == null;
        PrintStream out = System.out;
        try (SwarmClient client = new SwarmClient(options.toConfig())) {
            for (InetSocketAddress p : options.peerAddresses()) client.swarm().addPeer(p);
            List<Resolution> todo = resolveAll(client, sp.hashPart());
            long peers = 0, web = 0, upstream = 0;
            for (Resolution r : todo) {
                NarFile f = client.download(r);
                long last = -1;
                while (!f.completion().isDone()) {
                    if (!jsonOut && f.servableBytes() != last) {
                        last = f.servableBytes();
                        System.err.print("\r" + bar(r.narinfo().storePath(), last, f.size()));
                    }
                    Thread.sleep(100);
                }
                try {
                    f.completion().get();
                } catch (ExecutionException e) {
                    throw new ClientException(r.narinfo().storePath() + ": " + e.getCause().getMessage());
                }
                peers += f.bytesFromPeers();
                web += f.bytesFromWebSeed();
                upstream += f.bytesFromUpstream();
                if (jsonOut) {
                    out.println(JSON.createObjectNode().put("storePath", r.narinfo().storePath()).put("file", r.narinfo().url())
                            .put("size", f.size()).put("fromPeers", f.bytesFromPeers()).put("fromWebSeed", f.bytesFromWebSeed())
                            .put("fromUpstream", f.bytesFromUpstream()).put("cached", f.bytesFromPeers() + f.bytesFromWebSeed() + f.bytesFromUpstream() == 0)
                            .toString());
                } else {
                    System.err.println("\r" + bar(r.narinfo().storePath(), f.size(), f.size()));
                }
            }
            String summary = todo.size() + " path(s): " + Sizes.format(peers) + " from peers, " + Sizes.format(web)
                    + " from the web seed, " + Sizes.format(upstream) + " from upstream";
            if (jsonOut) out.println(JSON.createObjectNode().put("paths", todo.size()).put("fromPeers", peers)
                    .put("fromWebSeed", web).put("fromUpstream", upstream).toString());
            else System.err.println(summary);
            if (realise) return realise(client, sp);
        }
        return 0;
    }

    private List<Resolution> resolveAll(SwarmClient client, String hash) {
        List<Resolution> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add(hash);
        while (!queue.isEmpty()) {
            String h = queue.poll();
            if (!seen.add(h)) continue;
            Resolution r = client.resolve(h);
            out.add(r);
            if (closure) for (String ref : r.narinfo().references()) if (ref.length() > 32) queue.add(ref.substring(0, 32));
        }
        return out;
    }

    private int realise(SwarmClient client, StorePath sp) throws Exception {
        try (SubstituterServer server = new SubstituterServer(client, new InetSocketAddress("127.0.0.1", 0))) {
            List<String> cmd = new ArrayList<>(List.of("nix-store"));
            if (store != null) cmd.addAll(List.of("--store", store));
            cmd.addAll(List.of("-r", sp.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            StringBuilder conf = new StringBuilder();
            String existing = System.getenv("NIX_CONFIG");
            if (existing != null) conf.append(existing).append('\n');
            conf.append("substituters = ").append(server.url()).append('\n');
            if (!client.config().upstreamKeys().isEmpty()) {
                conf.append("trusted-public-keys = ").append(String.join(" ", client.config().upstreamKeys())).append('\n');
            }
            pb.environment().put("NIX_CONFIG", conf.toString());
            Process p;
            try {
                p = pb.start();
            } catch (java.io.IOException e) {
                throw new ClientException("--realise needs nix-store on PATH: " + e.getMessage());
            }
            int rc = p.waitFor();
            if (rc != 0) throw new ClientException("nix-store -r " + sp + " failed with exit code " + rc);
            return 0;
        }
    }

    private static String bar(String what, long done, long size) {
        int width = 30;
        int filled = size == 0 ? width : (int) (width * done / size);
        return String.format("%-60.60s [%s%s] %s / %s", what, "#".repeat(filled), " ".repeat(width - filled),
                Sizes.format(done), Sizes.format(size));
    }
}
