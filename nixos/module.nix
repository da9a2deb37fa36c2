# services.nix-serve-p2p: join the nix-swarm peer-to-peer layer of the Nix binary cache.
#
# A volunteer's machine needs two lines:
#   imports = [ ./nix-swarm/nixos/module.nix ];
#   services.nix-serve-p2p.enable = true;
# Nix then asks the local substituter first; the substituter gets paths from peers, checks every
# byte, falls back to the upstream cache, and seeds what it holds. Nix still trusts only
# `nix.settings.trusted-public-keys`, which this module never touches: peers cannot forge a path.
#
# The publisher of bundles also runs `services.nix-serve-p2p.tracker` and `.index`.
{ config, lib, pkgs, utils, ... }:

let
  inherit (lib) mkOption mkEnableOption mkIf mkMerge mkBefore types literalExpression optionals concatMap;

  cfg = config.services.nix-serve-p2p;

  # Sizes and rates are passed to `nix-swarm` as written: a number of bytes with an optional
  # K/M/G/T suffix (powers of 1024). "0" means off (seeding) or unlimited (rates).
  size = types.strMatching "[0-9]+[KMGT]?";

  stateDir = "/var/lib/nix-serve-p2p";
  indexStateDir = "/var/lib/nix-serve-p2p-index";

  # systemd does its own unquoting of Exec lines and expands % specifiers and $ variables: shell
  # quoting (escapeShellArgs) is the wrong syntax there. This is NixOS' own escaping.
  exec = args: utils.escapeSystemdExecArgs ([ "${cfg.package}/bin/nix-swarm" ] ++ args);

  # An IPv6 literal needs brackets before ":PORT".
  hostPort = host: port:
    (if lib.hasInfix ":" host then "[${host}]" else host) + ":${toString port}";

  privatePathsFile = pkgs.writeText "nix-serve-p2p-private-paths"
    (lib.concatMapStrings (p: p + "\n") cfg.privatePaths);

  serveArgs =
    [
      "serve"
      "--listen" (hostPort "127.0.0.1" cfg.port)
      "--peer-port" (toString cfg.peerPort)
      "--cache-dir" stateDir
      "--cache-size" cfg.cacheSize
      "--max-upload" cfg.maxUploadSpeed
      "--max-download" cfg.maxDownloadSpeed
      "--seed-budget" cfg.seedBudget
      "--prefetch-below" cfg.prefetchBelow
      "--upstream" cfg.upstream
    ]
    ++ concatMap (t: [ "--tracker" t ]) cfg.trackers
    ++ optionals (cfg.indexUrl != null) [ "--index" cfg.indexUrl ]
    ++ optionals (cfg.indexPublicKey != null) [ "--index-key" cfg.indexPublicKey ]
    ++ concatMap (k: [ "--upstream-key" k ]) cfg.upstreamPublicKeys
    ++ optionals (cfg.privatePaths != [ ]) [ "--private-paths" "${privatePathsFile}" ]
    ++ optionals cfg.dht.enable (
      [ "--dht-port" (toString cfg.dht.port) "--dht-address" cfg.dht.address ]
      ++ concatMap (b: [ "--dht-bootstrap" b ]) cfg.dht.bootstrap
      ++ optionals (cfg.dht.publisherKey != null) [ "--dht-key" cfg.dht.publisherKey ])
    ++ cfg.extraArgs;

  trackerArgs =
    [
      "tracker"
      "--http" (hostPort cfg.tracker.listenAddress cfg.tracker.httpPort)
      "--udp" (hostPort cfg.tracker.listenAddress cfg.tracker.udpPort)
    ]
    ++ optionals (cfg.tracker.plan != null) [ "--plan" cfg.tracker.plan ]
    ++ cfg.tracker.extraArgs;

  indexArgs =
    [ "index" ]
    ++ concatMap (p: [ "--plan" p ]) cfg.index.plans
    ++ [
      "--http" (hostPort cfg.index.listenAddress cfg.index.port)
      # Its verified, memory-mapped copy of the plans (by default it would write under $HOME).
      "--store" indexStateDir
    ]
    ++ optionals (cfg.index.plannerKey != null) [ "--planner-key" cfg.index.plannerKey ]
    ++ optionals cfg.index.dht.enable (
      [ "--dht" (hostPort cfg.index.dht.address cfg.index.dht.port) "--bt-port" (toString cfg.index.dht.btPort) ]
      ++ concatMap (b: [ "--dht-bootstrap" b ]) cfg.index.dht.bootstrap)
    ++ cfg.index.extraArgs;

  # The publisher key reaches the DynamicUser service as a systemd credential (%d is its
  # directory), so the file may stay readable by root only. A raw specifier: escaping would double it.
  indexExec = exec indexArgs + lib.optionalString cfg.index.dht.enable " --dht-key %d/dht-key";

  # The sandbox every nix-swarm service runs in. Not MemoryDenyWriteExecute: the JVM's JIT writes
  # executable code. Not ProcSubset=pid: the JVM reads /proc/meminfo and /proc/cpuinfo.
  hardening = ports: let lowPort = lib.any (p: p < 1024) ports; in {
    DynamicUser = true;
    Restart = "on-failure";
    RestartSec = "5s";
    UMask = "0077";
    LimitNOFILE = 65536; # one socket per peer, per bundle
    ProtectSystem = "strict";
    ProtectHome = true;
    PrivateTmp = true;
    PrivateDevices = true;
    DevicePolicy = "closed";
    NoNewPrivileges = true;
    ProtectKernelTunables = true;
    ProtectKernelModules = true;
    ProtectKernelLogs = true;
    ProtectControlGroups = true;
    ProtectClock = true;
    ProtectHostname = true;
    ProtectProc = "invisible";
    RestrictAddressFamilies = [ "AF_INET" "AF_INET6" "AF_UNIX" "AF_NETLINK" ];
    RestrictNamespaces = true;
    RestrictRealtime = true;
    RestrictSUIDSGID = true;
    LockPersonality = true;
    SystemCallArchitectures = "native";
    SystemCallFilter = [ "@system-service" "~@privileged" ];
    SystemCallErrorNumber = "EPERM";
    # No capability at all, unless a server listens on a port below 1024.
    CapabilityBoundingSet = if lowPort then [ "CAP_NET_BIND_SERVICE" ] else "";
  } // lib.optionalAttrs lowPort {
    AmbientCapabilities = [ "CAP_NET_BIND_SERVICE" ];
  };

  service = description: args: ports: extra: {
    inherit description;
    wantedBy = [ "multi-user.target" ];
    wants = [ "network-online.target" ];
    after = [ "network-online.target" ];
    serviceConfig = hardening ports // { ExecStart = exec args; } // extra;
  };

  # The DHT node of the substituter and of the index publisher: where it binds and whom it joins.
  dhtOptions = what: defaultPort: portNote: {
    address = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "203.0.113.7";
      description = "The machine's global unicast address ${what}'s DHT node binds to (the DHT refuses wildcard and private addresses).";
    };
    port = mkOption {
      type = types.port;
      default = defaultPort;
      description = "UDP port of ${what}'s DHT node.${portNote}";
    };
    bootstrap = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "dht.example.org:6881" ];
      description = "DHT nodes to join through (`host:port`). No public routers are ever contacted, so at least one is needed.";
    };
  };

  listenOptions = what: {
    listenAddress = mkOption {
      type = types.str;
      default = "0.0.0.0";
      example = "::";
      description = "Address the ${what} listens on (an IPv6 address is written without brackets).";
    };
    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = "Whether to open the ${what}'s ports in the firewall.";
    };
    extraArgs = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Extra command-line arguments of the ${what}.";
    };
  };
in
{
  options.services.nix-serve-p2p = {
    enable = mkEnableOption "nix-serve-p2p, the nix-swarm peer-to-peer substituter (downloads store paths from peers and seeds them)";

    package = mkOption {
      type = types.package;
      default = pkgs.nix-swarm or (pkgs.callPackage ./package.nix { });
      defaultText = literalExpression "pkgs.nix-swarm or (pkgs.callPackage ./package.nix { })";
      description = "The nix-swarm package (used by the substituter, the tracker and the index).";
    };

    port = mkOption {
      type = types.port;
      default = 37515;
      description = "Port of the local substituter that Nix asks first (the default of `nix-swarm serve`); it listens on 127.0.0.1 only.";
    };

    peerPort = mkOption {
      type = types.port;
      default = 6881;
      description = "BitTorrent port (TCP and UDP) other peers connect to.";
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = "Whether to open `peerPort` (TCP and UDP) in the firewall, so that peers can reach this machine. The substituter's port stays closed.";
    };

    maxUploadSpeed = mkOption {
      type = size;
      default = "0";
      example = "2M";
      description = "Upload limit in bytes per second (suffix K, M, G), the bandwidth this machine gives back; \"0\" is unlimited.";
    };

    maxDownloadSpeed = mkOption {
      type = size;
      default = "0";
      example = "20M";
      description = "Download limit in bytes per second (suffix K, M, G); \"0\" is unlimited.";
    };

    cacheSize = mkOption {
      type = size;
      default = "10G";
      description = "Disk for downloaded files, kept and seeded until the least recently used are evicted.";
    };

    prefetchBelow = mkOption {
      type = size;
      default = "1M";
      description = ''
        When Nix asks for a narinfo (GET, not HEAD) whose file is in a bundle and at most this size, start
        downloading the file before Nix asks for it; "0" turns this off.
      '';
    };

    seedBudget = mkOption {
      type = size;
      default = "0";
      example = "50G";
      description = "Extra disk for seeding whole bundles that have the fewest seeders (volunteer mode); \"0\" is off.";
    };

    trackers = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "http://tracker.example.org:6969/announce" ];
      description = "BitTorrent trackers to announce to, in addition to those named by each bundle's torrent.";
    };

    indexUrl = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "http://index.example.org:8390";
      description = "The magnet index: store-path hash to bundle. Without it only the DHT and the upstream are used.";
    };

    indexPublicKey = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "nix-swarm-planner-1:HsUN+4FV9tTQgbYN66JXUQM75/CZ3cyI0PfCv0sOs3Q=";
      description = "The planner's public key (`name:base64`) that index entries must be signed with.";
    };

    upstream = mkOption {
      type = types.str;
      default = "https://cache.nixos.org";
      description = "The binary cache that stays the source of truth: narinfos, and the web seed when peers are missing or slow.";
    };

    upstreamPublicKeys = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=" ];
      description = "Narinfo signing keys the substituter itself requires before it fetches anything (Nix checks `trusted-public-keys` in any case). Empty: the substituter leaves the check to Nix.";
    };

    privatePaths = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "*-secret-*" "0c0wqc2ma1x7rmgf9a5hpb6ipbj1s7sa" ];
      description = "Store paths (globs or hashes) that are never looked up outside this machine.";
    };

    dht = dhtOptions "the substituter" 6882
      " The same TCP port fetches torrent metadata and index shards from peers. Must differ from `peerPort`." // {
      enable = mkEnableOption "a Mainline DHT node in the substituter: peers of every bundle through BEP 5, and store-path lookups through the published index when `indexUrl` is unset or down";
      publisherKey = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "nix-swarm-index-1:HsUN+4FV9tTQgbYN66JXUQM75/CZ3cyI0PfCv0sOs3Q=";
        description = "The index publisher's public key, as `nix-swarm index --dht` prints it. With it, store paths resolve through the DHT when the index is unset or unreachable.";
      };
    };

    extraArgs = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Extra command-line arguments of `nix-swarm serve`.";
    };

    tracker = listenOptions "tracker" // {
      enable = mkEnableOption "the nix-swarm BitTorrent tracker (HTTP and UDP), for publishers of bundles";
      httpPort = mkOption {
        type = types.port;
        default = 6969;
        description = "TCP port of the HTTP tracker (announce, scrape, metrics).";
      };
      udpPort = mkOption {
        type = types.port;
        default = 6969;
        description = "UDP port of the UDP tracker (BEP 15).";
      };
      plan = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/var/lib/nix-swarm/plan";
        description = "A plan directory: only its bundles are tracked (reloaded when it changes). Null tracks any infohash.";
      };
    };

    index = listenOptions "magnet index" // {
      enable = mkEnableOption "the nix-swarm magnet index (store-path hash to bundle, over HTTP), for publishers of bundles";
      port = mkOption {
        type = types.port;
        default = 8390;
        description = "TCP port of the index's HTTP API.";
      };
      plans = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "/var/lib/nix-swarm/plan" ];
        description = "Plan directories (`nix-swarm plan --out`) whose signed `index.jsonl` is served.";
      };
      plannerKey = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "nix-swarm-planner-1:HsUN+4FV9tTQgbYN66JXUQM75/CZ3cyI0PfCv0sOs3Q=";
        description = "Only plans signed by this planner key (`name:base64`, or a file holding it) are served. Null accepts the key each plan names.";
      };
      dht = dhtOptions "the index publisher" 6881 "" // {
        enable = mkEnableOption "publishing the index into the Mainline DHT (an index torrent seeded over BitTorrent, pointed to by a BEP 44 item signed with `keyFile`), so clients resolve paths when this server is gone";
        btPort = mkOption {
          type = types.port;
          default = 6883;
          description = "TCP port that seeds the index torrent.";
        };
        keyFile = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "/etc/nix-swarm/index-publisher.key";
          description = "The publisher's secret key file (Nix format, `nix-store --generate-binary-cache-key`). Read by systemd as a credential, never copied to the store: give a path as a string.";
        };
      };
    };
  };

  config = mkMerge [
    (mkIf cfg.enable {
      assertions = [
        {
          assertion = cfg.port != cfg.peerPort;
          message = "services.nix-serve-p2p: port and peerPort must differ (both ${toString cfg.port}).";
        }
        {
          assertion = cfg.indexUrl == null || cfg.indexPublicKey != null;
          message = "services.nix-serve-p2p: indexUrl is set but indexPublicKey is not; index entries cannot be verified without it.";
        }
        {
          assertion = !cfg.dht.enable || (cfg.dht.address != null && cfg.dht.bootstrap != [ ]);
          message = "services.nix-serve-p2p.dht: enable needs address (a global unicast address) and at least one bootstrap node.";
        }
        {
          assertion = !cfg.dht.enable || (cfg.dht.port != cfg.peerPort && cfg.dht.port != cfg.port);
          message = "services.nix-serve-p2p.dht: port ${toString cfg.dht.port} must differ from peerPort and port.";
        }
      ];

      # Ahead of the upstream (which NixOS adds with mkAfter), never instead of it: when the local
      # substituter is down, Nix goes on to cache.nixos.org.
      nix.settings.substituters = mkBefore [ "http://${hostPort "127.0.0.1" cfg.port}" ];

      networking.firewall = mkIf cfg.openFirewall {
        allowedTCPPorts = [ cfg.peerPort ] ++ optionals cfg.dht.enable [ cfg.dht.port ];
        allowedUDPPorts = [ cfg.peerPort ] ++ optionals cfg.dht.enable [ cfg.dht.port ];
      };

      systemd.services.nix-serve-p2p =
        service "nix-swarm peer-to-peer substituter" serveArgs ([ cfg.port cfg.peerPort ] ++ optionals cfg.dht.enable [ cfg.dht.port ]) {
          StateDirectory = "nix-serve-p2p";
          StateDirectoryMode = "0700";
          WorkingDirectory = stateDir;
        };
    })

    (mkIf cfg.tracker.enable {
      networking.firewall = mkIf cfg.tracker.openFirewall {
        allowedTCPPorts = [ cfg.tracker.httpPort ];
        allowedUDPPorts = [ cfg.tracker.udpPort ];
      };

      systemd.services.nix-serve-p2p-tracker =
        service "nix-swarm BitTorrent tracker" trackerArgs [ cfg.tracker.httpPort cfg.tracker.udpPort ] { };
    })

    (mkIf cfg.index.enable {
      assertions = [
        {
          assertion = cfg.index.plans != [ ];
          message = "services.nix-serve-p2p.index: plans is empty; name at least one plan directory.";
        }
        {
          assertion = !cfg.index.dht.enable
            || (cfg.index.dht.address != null && cfg.index.dht.keyFile != null && cfg.index.dht.bootstrap != [ ]);
          message = "services.nix-serve-p2p.index.dht: enable needs address, keyFile and at least one bootstrap node.";
        }
      ];

      networking.firewall = mkIf cfg.index.openFirewall {
        allowedTCPPorts = [ cfg.index.port ] ++ optionals cfg.index.dht.enable [ cfg.index.dht.btPort ];
        allowedUDPPorts = optionals cfg.index.dht.enable [ cfg.index.dht.port ];
      };

      systemd.services.nix-serve-p2p-index =
        service "nix-swarm magnet index" indexArgs
          ([ cfg.index.port ] ++ optionals cfg.index.dht.enable [ cfg.index.dht.port cfg.index.dht.btPort ])
          ({
            StateDirectory = "nix-serve-p2p-index";
            StateDirectoryMode = "0700";
            WorkingDirectory = indexStateDir;
            ExecStart = indexExec;
          } // lib.optionalAttrs cfg.index.dht.enable {
            LoadCredential = [ "dht-key:${cfg.index.dht.keyFile}" ];
          });
    })
  ];
}
