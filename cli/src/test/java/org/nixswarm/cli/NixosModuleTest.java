package org.nixswarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code services.nix-serve-p2p} evaluated by real Nix (nix-instantiate) against the stand-in lib
 * and NixOS options in nixos/tests/eval/, for several option sets: what systemd runs, what the
 * firewall opens, what Nix substitutes from, and how the services are sandboxed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NixosModuleTest {
    static final String PACKAGE_BIN = "^/nix/store/[0-9a-df-np-sv-z]{32}-nix-swarm-0\\.1\\.0/bin/nix-swarm$";
    static final String CACHE_NIXOS_ORG = "https://cache.nixos.org/";
    static final String CACHE_KEY = "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=";
    static final String PLANNER_KEY = "nix-swarm-planner-test-1:HsUN+4FV9tTQgbYN66JXUQM75/CZ3cyI0PfCv0sOs3Q=";

    Path tmp;
    NixosEval nix;

    @BeforeAll
    void nix(@TempDir Path dir) {
        tmp = dir;
        nix = new NixosEval(dir);
    }

    static List<String> argv(JsonNode service) {
        return SystemdExecLine.parse(service.at("/serviceConfig/ExecStart").asText());
    }

    /** argv without the program, after checking the program is the package's wrapper. */
    static List<String> args(JsonNode service) {
        List<String> argv = argv(service);
        assertTrue(argv.get(0).matches(PACKAGE_BIN), argv.get(0));
        return argv.subList(1, argv.size());
    }

    static List<Object> list(JsonNode array) {
        List<Object> out = new ArrayList<>();
        array.forEach(v -> out.add(v.isInt() ? (Object) v.asInt() : v.asText()));
        return out;
    }

    @Test
    void everyNixFileParses() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(nix.repo.resolve("nixos"))) {
            files = new ArrayList<>(s.filter(p -> p.toString().endsWith(".nix")).sorted().toList());
        }
        files.add(nix.repo.resolve("flake.nix"));
        assertTrue(files.size() >= 10, "module, package, VM test, flake and the stand-ins: " + files);
        for (Path f : files) {
            NixosEval.Result r = nix.parse(f);
            assertEquals(0, r.exit(), () -> f + " does not parse:\n" + r.err());
        }
        // And a broken file is reported, so the loop above can fail.
        Path broken = tmp.resolve("broken.nix");
        Files.writeString(broken, "{ a = 1; ");
        assertTrue(nix.parse(broken).exit() != 0);
    }

    @Test
    void defaultsRunTheSubstituterOnLoopbackWithUpstreamKept() {
        JsonNode r = nix.module("{ services.nix-serve-p2p.enable = true; }");
        JsonNode svc = r.at("/services/nix-serve-p2p");
        assertEquals(List.of("serve",
                "--listen", "127.0.0.1:37515",
                "--peer-port", "6881",
                "--cache-dir", "/var/lib/nix-serve-p2p",
                "--cache-size", "10G",
                "--max-upload", "0",
                "--max-download", "0",
                "--seed-budget", "0",
                "--prefetch-below", "1M",
                "--upstream", "https://cache.nixos.org"), args(svc));
        // Local first, cache.nixos.org (NixOS adds it with mkAfter) still there; keys untouched.
        assertEquals(List.of("http://127.0.0.1:37515", CACHE_NIXOS_ORG), list(r.get("substituters")));
        assertEquals(List.of(CACHE_KEY), list(r.get("trustedPublicKeys")));
        // Closed firewall by default; no server-side services.
        assertEquals(List.of(), list(r.at("/firewall/allowedTCPPorts")));
        assertEquals(List.of(), list(r.at("/firewall/allowedUDPPorts")));
        assertEquals(List.of("nix-serve-p2p"), fieldNames(r.get("services")));
        assertEquals(List.of("multi-user.target"), list(svc.get("wantedBy")));
        assertEquals(List.of("network-online.target"), list(svc.get("after")));
    }

    @Test
    void theServiceIsSandboxedWithADynamicUserAndAStateDirectory() {
        JsonNode c = nix.module("{ services.nix-serve-p2p.enable = true; }").at("/services/nix-serve-p2p/serviceConfig");
        assertTrue(c.get("DynamicUser").asBoolean());
        assertEquals("nix-serve-p2p", c.get("StateDirectory").asText());
        assertEquals("0700", c.get("StateDirectoryMode").asText());
        assertEquals("/var/lib/nix-serve-p2p", c.get("WorkingDirectory").asText());
        // The cache lives in the state directory systemd creates for the dynamic user.
        List<String> argv = SystemdExecLine.parse(c.get("ExecStart").asText());
        assertEquals("/var/lib/" + c.get("StateDirectory").asText(), argv.get(argv.indexOf("--cache-dir") + 1));
        assertEquals("on-failure", c.get("Restart").asText());
        assertEquals("strict", c.get("ProtectSystem").asText());
        for (String on : List.of("ProtectHome", "NoNewPrivileges", "PrivateTmp", "PrivateDevices",
                "ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs", "ProtectControlGroups",
                "ProtectClock", "ProtectHostname", "RestrictNamespaces", "RestrictRealtime",
                "RestrictSUIDSGID", "LockPersonality")) {
            assertTrue(c.get(on).asBoolean(), on);
        }
        assertEquals(List.of("AF_INET", "AF_INET6", "AF_UNIX", "AF_NETLINK"), list(c.get("RestrictAddressFamilies")));
        assertEquals(List.of("@system-service", "~@privileged"), list(c.get("SystemCallFilter")));
        assertEquals("native", c.get("SystemCallArchitectures").asText());
        // No capabilities at all (an empty CapabilityBoundingSet= clears the set).
        assertEquals("", c.get("CapabilityBoundingSet").asText());
        assertFalse(c.has("AmbientCapabilities"));
        // The JVM's JIT needs writable+executable memory.
        assertFalse(c.has("MemoryDenyWriteExecute"));
    }

    @Test
    void aVolunteerConfigurationReachesEveryServeFlag() throws IOException {
        JsonNode r = nix.module("""
                { services.nix-serve-p2p = {
                    enable = true;
                    port = 9000;
                    peerPort = 51413;
                    openFirewall = true;
                    maxUploadSpeed = "2M";
                    maxDownloadSpeed = "20M";
                    cacheSize = "50G";
                    seedBudget = "200G";
                    trackers = [ "http://t1.example:6969/announce" "udp://t2.example:6969" ];
                    indexUrl = "http://index.example:8390";
                    indexPublicKey = "%s";
                    upstream = "https://mirror.example/nix";
                    upstreamPublicKeys = [ "%s" "mirror.example-1:AAAA" ];
                    privatePaths = [ "*-secret-*" "0c0wqc2ma1x7rmgf9a5hpb6ipbj1s7sa" ];
                    extraArgs = [ "--verbose" ];
                  }; }
                """.formatted(PLANNER_KEY, CACHE_KEY));
        List<String> args = args(r.at("/services/nix-serve-p2p"));
        int pp = args.indexOf("--private-paths");
        String privateFile = args.get(pp + 1);
        assertTrue(privateFile.matches("/nix/store/[0-9a-df-np-sv-z]{32}-nix-serve-p2p-private-paths"), privateFile);
        assertEquals("*-secret-*\n0c0wqc2ma1x7rmgf9a5hpb6ipbj1s7sa\n", Files.readString(nix.storeFile(privateFile)));
        assertEquals(List.of("serve",
                "--listen", "127.0.0.1:9000",
                "--peer-port", "51413",
                "--cache-dir", "/var/lib/nix-serve-p2p",
                "--cache-size", "50G",
                "--max-upload", "2M",
                "--max-download", "20M",
                "--seed-budget", "200G",
                "--prefetch-below", "1M",
                "--upstream", "https://mirror.example/nix",
                "--tracker", "http://t1.example:6969/announce",
                "--tracker", "udp://t2.example:6969",
                "--index", "http://index.example:8390",
                "--index-key", PLANNER_KEY,
                "--upstream-key", CACHE_KEY,
                "--upstream-key", "mirror.example-1:AAAA",
                "--private-paths", privateFile,
                "--verbose"), args);
        // openFirewall opens the peer port only, TCP and UDP; never the substituter's port.
        assertEquals(List.of(51413), list(r.at("/firewall/allowedTCPPorts")));
        assertEquals(List.of(51413), list(r.at("/firewall/allowedUDPPorts")));
        assertEquals(List.of("http://127.0.0.1:9000", CACHE_NIXOS_ORG), list(r.get("substituters")));
    }

    @Test
    void theLocalSubstituterGoesAheadOfTheUsersOwnAndTheirOrderIsKept() {
        JsonNode r = nix.module("""
                { services.nix-serve-p2p.enable = true;
                  nix.settings.substituters = [ "https://a.example" "https://b.example" ];
                  nix.settings.trusted-public-keys = [ "a.example-1:AAAA" ]; }
                """);
        assertEquals(List.of("http://127.0.0.1:37515", "https://a.example", "https://b.example", CACHE_NIXOS_ORG),
                list(r.get("substituters")));
        assertEquals(List.of("a.example-1:AAAA", CACHE_KEY), list(r.get("trustedPublicKeys")));
    }

    @Test
    void disabledTheModuleChangesNothing() {
        JsonNode r = nix.module("{ services.nix-serve-p2p.port = 9999; }");
        assertEquals(List.of(CACHE_NIXOS_ORG), list(r.get("substituters")));
        assertEquals(List.of(), fieldNames(r.get("services")));
        assertEquals(List.of(), list(r.at("/firewall/allowedTCPPorts")));
    }

    @Test
    void argumentsSurviveSystemdQuotingSpecifiersAndVariables() {
        // systemd would expand %n and $HOME, split on spaces, and reject shell-style '\'' quoting.
        String nasty = "http://t.example/a%20b?x=$HOME&n=%n \"quoted\" it's\\here";
        JsonNode r = nix.module("{ services.nix-serve-p2p = { enable = true; trackers = [ " + nixString(nasty)
                + " ]; extraArgs = [ \"--label\" \"two words\" ]; }; }");
        String exec = r.at("/services/nix-serve-p2p/serviceConfig/ExecStart").asText();
        assertTrue(exec.contains("%%20") && exec.contains("$$HOME"), exec);
        List<String> args = args(r.at("/services/nix-serve-p2p"));
        assertEquals(nasty, args.get(args.indexOf("--tracker") + 1));
        assertEquals(List.of("--label", "two words"), args.subList(args.size() - 2, args.size()));
        // The parser itself refuses what systemd would expand.
        assertThrows(IllegalArgumentException.class, () -> SystemdExecLine.parse("\"a%nb\""));
        assertThrows(IllegalArgumentException.class, () -> SystemdExecLine.parse("\"$HOME\""));
    }

    @Test
    void theTrackerAndTheIndexForAPublisher() {
        JsonNode r = nix.module("""
                { services.nix-serve-p2p = {
                    tracker = { enable = true; openFirewall = true; udpPort = 6970; plan = "/srv/plan"; };
                    index = { enable = true; openFirewall = true; port = 8391; listenAddress = "127.0.0.1";
                              plans = [ "/srv/plan" "/srv/plan 2" ]; plannerKey = "%s"; extraArgs = [ "--dht" ]; };
                  }; }
                """.formatted(PLANNER_KEY));
        assertEquals(List.of("nix-serve-p2p-index", "nix-serve-p2p-tracker"), fieldNames(r.get("services")));
        assertEquals(List.of("tracker", "--http", "0.0.0.0:6969", "--udp", "0.0.0.0:6970", "--plan", "/srv/plan"),
                args(r.at("/services/nix-serve-p2p-tracker")));
        assertEquals(List.of("index", "--plan", "/srv/plan", "--plan", "/srv/plan 2", "--http", "127.0.0.1:8391",
                        "--store", "/var/lib/nix-serve-p2p-index", "--planner-key", PLANNER_KEY, "--dht"),
                args(r.at("/services/nix-serve-p2p-index")));
        assertEquals(List.of(6969, 8391), list(r.at("/firewall/allowedTCPPorts")));
        assertEquals(List.of(6970), list(r.at("/firewall/allowedUDPPorts")));
        for (String s : List.of("nix-serve-p2p-tracker", "nix-serve-p2p-index")) {
            JsonNode c = r.at("/services/" + s + "/serviceConfig");
            assertTrue(c.get("DynamicUser").asBoolean(), s);
            assertEquals("strict", c.get("ProtectSystem").asText(), s);
            assertEquals("on-failure", c.get("Restart").asText(), s);
            assertEquals("", c.get("CapabilityBoundingSet").asText(), s);
        }
        // The index's store is the state directory systemd creates for it.
        JsonNode ic = r.at("/services/nix-serve-p2p-index/serviceConfig");
        List<String> ia = SystemdExecLine.parse(ic.get("ExecStart").asText());
        assertEquals("/var/lib/" + ic.get("StateDirectory").asText(), ia.get(ia.indexOf("--store") + 1));
        // A publisher that is not also a peer keeps Nix as it was.
        assertEquals(List.of(CACHE_NIXOS_ORG), list(r.get("substituters")));
    }

    @Test
    void theDhtOfAPeerAndOfThePublisher() {
        JsonNode r = nix.module("""
                { services.nix-serve-p2p = {
                    enable = true; openFirewall = true;
                    dht = { enable = true; address = "203.0.113.7"; bootstrap = [ "a.example:6881" "b.example:6881" ];
                            publisherKey = "nix-swarm-index-1:AAAA"; };
                    index = { enable = true; openFirewall = true; plans = [ "/srv/plan" ];
                              dht = { enable = true; address = "203.0.113.8"; bootstrap = [ "a.example:6881" ];
                                      keyFile = "/etc/nix-swarm/publisher.key"; }; };
                  }; }
                """);
        List<String> serve = args(r.at("/services/nix-serve-p2p"));
        assertEquals(List.of("--dht-port", "6882", "--dht-address", "203.0.113.7", "--dht-bootstrap", "a.example:6881",
                "--dht-bootstrap", "b.example:6881", "--dht-key", "nix-swarm-index-1:AAAA"),
                serve.subList(serve.indexOf("--dht-port"), serve.size()));
        // The publisher key file reaches the DynamicUser service as a credential, never through the store.
        JsonNode ic = r.at("/services/nix-serve-p2p-index/serviceConfig");
        assertEquals(List.of("dht-key:/etc/nix-swarm/publisher.key"), list(ic.get("LoadCredential")));
        String exec = ic.get("ExecStart").asText();
        assertTrue(exec.endsWith(" --dht-key %d/dht-key"), exec);
        List<String> index = SystemdExecLine.parse(exec.replace("%d", "/run/credentials/nix-serve-p2p-index.service"));
        assertEquals(List.of("--dht", "203.0.113.8:6881", "--bt-port", "6883", "--dht-bootstrap", "a.example:6881",
                        "--dht-key", "/run/credentials/nix-serve-p2p-index.service/dht-key"),
                index.subList(index.indexOf("--dht"), index.size()));
        assertFalse(exec.contains("publisher.key"), exec);
        assertEquals(List.of(6881, 6882, 8390, 6883), list(r.at("/firewall/allowedTCPPorts")));
        assertEquals(List.of(6881, 6882, 6881), list(r.at("/firewall/allowedUDPPorts")));
        assertContains(nix.moduleError("{ services.nix-serve-p2p = { enable = true; dht.enable = true; }; }"),
                "services.nix-serve-p2p.dht: enable needs address");
        assertContains(nix.moduleError("""
                { services.nix-serve-p2p = { enable = true; dht = { enable = true; port = 6881; address = "203.0.113.7";
                    bootstrap = [ "a:1" ]; }; }; }"""), "port 6881 must differ from peerPort and port");
        assertContains(nix.moduleError("{ services.nix-serve-p2p.index = { enable = true; plans = [ \"/p\" ]; dht.enable = true; }; }"),
                "services.nix-serve-p2p.index.dht: enable needs address, keyFile");
    }

    @Test
    void ipv6AddressesAndPrivilegedPorts() {
        JsonNode r = nix.module("""
                { services.nix-serve-p2p = {
                    enable = true; peerPort = 443;
                    tracker = { enable = true; listenAddress = "::"; httpPort = 80; udpPort = 6969; };
                  }; }
                """);
        assertEquals(List.of("tracker", "--http", "[::]:80", "--udp", "[::]:6969"), args(r.at("/services/nix-serve-p2p-tracker")));
        for (String s : List.of("nix-serve-p2p", "nix-serve-p2p-tracker")) {
            JsonNode c = r.at("/services/" + s + "/serviceConfig");
            assertEquals(List.of("CAP_NET_BIND_SERVICE"), list(c.get("CapabilityBoundingSet")), s);
            assertEquals(List.of("CAP_NET_BIND_SERVICE"), list(c.get("AmbientCapabilities")), s);
        }
    }

    @Test
    void badConfigurationsAreRefusedWithTheOptionNamed() {
        assertContains(nix.moduleError("{ services.nix-serve-p2p = { enable = true; prot = 1; }; }"),
                "The option `services.nix-serve-p2p.prot' does not exist");
        assertContains(nix.moduleError("{ services.nix-serve-p2p = { enable = true; peerPort = 70000; }; }"),
                "services.nix-serve-p2p.peerPort' is not of type `16 bit unsigned integer");
        assertContains(nix.moduleError("{ services.nix-serve-p2p = { enable = true; cacheSize = \"10 GB\"; }; }"),
                "services.nix-serve-p2p.cacheSize' is not of type `string matching the pattern");
        assertContains(nix.moduleError("{ services.nix-serve-p2p = { enable = true; maxUploadSpeed = 5; }; }"),
                "services.nix-serve-p2p.maxUploadSpeed' is not of type");
        assertContains(nix.moduleError("{ services.nix-serve-p2p = { enable = true; port = 6881; }; }"),
                "port and peerPort must differ");
        assertContains(nix.moduleError("{ services.nix-serve-p2p = { enable = true; indexUrl = \"http://i\"; }; }"),
                "indexUrl is set but indexPublicKey is not");
        assertContains(nix.moduleError("{ services.nix-serve-p2p.index.enable = true; }"),
                "services.nix-serve-p2p.index: plans is empty");
    }

    @Test
    void thePackageIsAMavenBuildWrappedAroundAJava17Runtime() throws IOException {
        JsonNode p = nix.expr("""
                let lib = import ./nixos/tests/eval/lib.nix; pkgs = import ./nixos/tests/eval/pkgs.nix lib;
                    drv = pkgs.callPackage ./nixos/package.nix { };
                in { inherit (drv) name; path = drv.outPath;
                     args = removeAttrs drv.args [ "src" "nativeBuildInputs" "meta" ];
                     mainProgram = drv.args.meta.mainProgram;
                     jdk = pkgs.jdk17_headless.outPath;
                     src = drv.args.src;
                     srcHas = map (f: builtins.pathExists "${drv.args.src}/${f}")
                       [ "pom.xml" "cli/pom.xml" "core/src" "nixos" "cli/target" "flake.nix" ".git" ]; }
                """);
        assertEquals("nix-swarm-0.1.0", p.get("name").asText());
        JsonNode a = p.get("args");
        assertEquals("sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", a.get("mvnHash").asText(), "lib.fakeHash until the first build");
        assertEquals(p.get("jdk").asText(), a.get("mvnJdk").asText());
        assertEquals("-pl cli -am", a.get("mvnParameters").asText());
        assertFalse(a.get("doCheck").asBoolean());
        assertEquals("nix-swarm", p.get("mainProgram").asText());
        String install = a.get("installPhase").asText();
        assertContains(install, "cli/target/nix-swarm.jar $out/share/nix-swarm/nix-swarm.jar");
        assertContains(install, "-t $out/share/nix-swarm/lib cli/target/lib/*.jar");
        assertContains(install, "makeWrapper " + p.get("jdk").asText() + "/bin/java $out/bin/nix-swarm");
        assertContains(install, "--add-flags \"-jar $out/share/nix-swarm/nix-swarm.jar\"");
        // The source is the Maven project without build outputs, VCS data or the Nix files.
        assertEquals(List.of("true", "true", "true", "false", "false", "false", "false"),
                list(p.get("srcHas")).stream().map(String::valueOf).toList());
        // What install copies is what the build makes: the jar's Class-Path points into lib/.
        String pom = Files.readString(nix.repo.resolve("cli/pom.xml"));
        assertContains(pom, "<finalName>nix-swarm</finalName>");
        assertContains(pom, "<classpathPrefix>lib/</classpathPrefix>");
        assertContains(pom, "${project.build.directory}/lib");
    }

    @Test
    void theFlakeExposesThePackageTheModuleAndTheVmTest() {
        JsonNode f = nix.expr("""
                let lib = import ./nixos/tests/eval/lib.nix;
                    pkgs = import ./nixos/tests/eval/pkgs.nix lib // {
                      testers.runNixOSTest = test: { type = "derivation"; name = "vm-test-run-" + (import test { inherit pkgs lib; }).name; outPath = "/nix/store/x"; };
                    };
                    nixpkgs = { lib = lib // { genAttrs = names: f: lib.listToAttrs (map (n: { name = n; value = f n; }) names); };
                                legacyPackages = { x86_64-linux = pkgs; aarch64-linux = pkgs; }; };
                    flake = import ./flake.nix;
                    out = flake.outputs { self = out; inherit nixpkgs; };
                in { package = out.packages.x86_64-linux.default.name;
                     overlay = (out.overlays.default pkgs pkgs).nix-swarm.name;
                     module = toString out.nixosModules.default == toString ./nixos/module.nix;
                     check = out.checks.aarch64-linux.swarm.name;
                     inputs = builtins.attrNames flake.inputs; }
                """);
        assertEquals("nix-swarm-0.1.0", f.get("package").asText());
        assertEquals("nix-swarm-0.1.0", f.get("overlay").asText());
        assertTrue(f.get("module").asBoolean());
        assertEquals("vm-test-run-nix-swarm", f.get("check").asText());
        assertEquals(List.of("nixpkgs"), list(f.get("inputs")));
    }

    @Test
    void theVmTestsNodesEvaluateWithTheModule() throws Exception {
        JsonNode t = nix.file("nixos/tests/eval/swarm-nodes.nix");
        JsonNode nodes = t.get("nodes");
        assertEquals(List.of("peer1", "peer2", "publisher"), fieldNames(nodes));
        for (String peer : List.of("peer1", "peer2")) {
            JsonNode n = nodes.get(peer);
            List<String> args = args(n.at("/services/nix-serve-p2p"));
            assertEquals("http://publisher", args.get(args.indexOf("--upstream") + 1));
            assertEquals("http://publisher:6969/announce", args.get(args.indexOf("--tracker") + 1));
            assertEquals("http://publisher:8390", args.get(args.indexOf("--index") + 1));
            assertEquals(PLANNER_KEY, args.get(args.indexOf("--index-key") + 1));
            assertEquals("swarm-test-cache-1:00xiL5XkjqLICx5AqCuSktkudFs9+ard0eg1PwOzulw=", args.get(args.indexOf("--upstream-key") + 1));
            assertEquals(List.of(6881), list(n.at("/firewall/allowedTCPPorts")));
            assertEquals(List.of("http://127.0.0.1:37515", CACHE_NIXOS_ORG), list(n.get("substituters")));
            assertTrue(list(n.get("trustedPublicKeys")).contains("swarm-test-cache-1:00xiL5XkjqLICx5AqCuSktkudFs9+ard0eg1PwOzulw="));
        }
        JsonNode pub = nodes.get("publisher");
        assertEquals(List.of("nix-serve-p2p-index", "nix-serve-p2p-tracker"), fieldNames(pub.get("services")));
        // Started by the test script once the plan exists (mkForce over the module's wantedBy).
        assertEquals(List.of(), list(pub.at("/services/nix-serve-p2p-tracker/wantedBy")));
        assertEquals(List.of("tracker", "--http", "0.0.0.0:6969", "--udp", "0.0.0.0:6969", "--plan", "/var/lib/nix-swarm/plan"),
                args(pub.at("/services/nix-serve-p2p-tracker")));
        assertEquals(List.of("index", "--plan", "/var/lib/nix-swarm/plan", "--http", "0.0.0.0:8390",
                        "--store", "/var/lib/nix-serve-p2p-index", "--planner-key", PLANNER_KEY),
                args(pub.at("/services/nix-serve-p2p-index")));
        assertEquals(List.of(80, 6969, 8390), list(pub.at("/firewall/allowedTCPPorts")));

        String script = t.get("testScript").asText();
        assertTrue(script.matches("(?s).*peer2\\.succeed\\(\"nix-store -r /nix/store/[0-9a-df-np-sv-z]{32}-swarm-test-payload\"\\).*"), script);
        assertTrue(script.indexOf("systemctl(\"stop nginx.service\")") < script.indexOf("peer2.succeed(\"nix-store -r"), script);
        // The driver runs the script as Python: it must at least compile.
        Path python = org.nixswarm.core.testing.Tools.require("python3", "python3");
        Process p = new ProcessBuilder(python.toString(), "-c",
                "import sys; compile(sys.stdin.read(), 'testScript', 'exec')").redirectErrorStream(true).start();
        p.getOutputStream().write(script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    static List<String> fieldNames(JsonNode obj) {
        List<String> names = new ArrayList<>();
        obj.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static void assertContains(String haystack, String needle) {
        assertTrue(haystack.contains(needle), () -> "expected <" + needle + "> in:\n" + haystack);
    }

    /** A Nix string literal. */
    static String nixString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("${", "\\${") + "\"";
    }
}
