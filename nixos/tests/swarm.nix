# The NixOS VM test of nix-swarm: a publisher with the binary cache (nginx), the tracker and the
# index; two peers running services.nix-serve-p2p. peer1 realises a path (from the cache, which is
# every bundle's web seed), the publisher's cache is stopped, and peer2 realises the same path: its
# bytes can only come from peer1.
#
# Run it with nixpkgs (needs KVM):
#   nix-build -E 'with import <nixpkgs> { }; testers.runNixOSTest ./nixos/tests/swarm.nix'
# or `nix build .#checks.x86_64-linux.swarm` with the flake at the repository's root.
#
# The keys below are TEST KEYS, published here on purpose; never trust them anywhere else.
{ pkgs, lib, ... }:

let
  cacheKey = {
    secret = "swarm-test-cache-1:FDIaEZL6KYkFXJ082QxW2MBSTZNJD8RzBzGLAC1csyzTTGIvleSOosgLHkCoK5KS2S50Wz35qt3R6DU/A7O6XA==";
    public = "swarm-test-cache-1:00xiL5XkjqLICx5AqCuSktkudFs9+ard0eg1PwOzulw=";
  };
  plannerKey = {
    secret = "nix-swarm-planner-test-1:Fm5jdXMAKCJg6Hm0VHA0MBX6x4ILVYYnD9uw7BB33GoexQ37gVX21NCBtg3roldRAzvn8JndzIjQ98K/Sw6zdA==";
    public = "nix-swarm-planner-test-1:HsUN+4FV9tTQgbYN66JXUQM75/CZ3cyI0PfCv0sOs3Q=";
  };

  # What the peers fetch: a closure of two paths (payload refers to leaf), a few MB, that no
  # system closure contains.
  leaf = pkgs.runCommand "swarm-test-leaf" { } "seq 1 300000 > $out";
  payload = pkgs.runCommand "swarm-test-payload" { } ''
    mkdir $out
    seq 300000 600000 > $out/data
    echo ${leaf} > $out/leaf
  '';

  peer = { config, ... }: {
    imports = [ ../module.nix ];
    services.nix-serve-p2p = {
      enable = true;
      openFirewall = true;
      upstream = "http://publisher";
      trackers = [ "http://publisher:6969/announce" ];
      indexUrl = "http://publisher:8390";
      indexPublicKey = plannerKey.public;
      upstreamPublicKeys = [ cacheKey.public ];
      maxUploadSpeed = "50M";
      cacheSize = "1G";
    };
    # Nix trusts the test cache's key (the module never touches trusted keys).
    nix.settings.trusted-public-keys = [ cacheKey.public ];
    environment.systemPackages = [ pkgs.curl ];
    virtualisation.memorySize = 1024;
  };
in
{
  name = "nix-swarm";

  nodes = {
    publisher = { config, ... }: {
      imports = [ ../module.nix ];
      services.nix-serve-p2p = {
        tracker = {
          enable = true;
          openFirewall = true;
          plan = "/var/lib/nix-swarm/plan";
        };
        index = {
          enable = true;
          openFirewall = true;
          plans = [ "/var/lib/nix-swarm/plan" ];
          plannerKey = plannerKey.public;
        };
      };
      # The plan exists only after the test script has made it: start both by hand.
      systemd.services.nix-serve-p2p-tracker.wantedBy = lib.mkForce [ ];
      systemd.services.nix-serve-p2p-index.wantedBy = lib.mkForce [ ];

      # The binary cache. nginx honours Range requests, which BEP 19 web seeding needs.
      services.nginx = {
        enable = true;
        virtualHosts.publisher = {
          default = true;
          root = "/var/www/cache";
        };
      };
      networking.firewall.allowedTCPPorts = [ 80 ];

      environment.systemPackages = [ config.services.nix-serve-p2p.package pkgs.curl pkgs.netcat ];
      environment.etc."nix-swarm-test/cache.sec".text = cacheKey.secret;
      environment.etc."nix-swarm-test/planner.sec".text = plannerKey.secret;
      nix.settings.experimental-features = [ "nix-command" ];
      # The payload is valid in the publisher's store only.
      system.extraDependencies = [ payload ];
      virtualisation.memorySize = 1536;
    };

    peer1 = peer;
    peer2 = peer;
  };

  testScript = ''
    start_all()

    with subtest("the publisher builds its cache and plans it into bundles"):
        publisher.wait_for_unit("nginx.service")
        publisher.succeed(
            "mkdir -p /var/www/cache /var/lib/nix-swarm",
            "nix copy --to 'file:///var/www/cache?compression=xz&secret-key=/etc/nix-swarm-test/cache.sec' ${payload}",
            # The web seed is the cache as the peers reach it, not the directory it was read from.
            "nix-swarm plan --cache /var/www/cache --out /var/lib/nix-swarm/plan"
            " --web-seed http://publisher/ --tracker http://publisher:6969/announce"
            " --key /etc/nix-swarm-test/planner.sec --trusted-key ${cacheKey.public} --strict",
            "test -s /var/lib/nix-swarm/plan/index.jsonl",
            "grep -qx '${plannerKey.public}' /var/lib/nix-swarm/plan/planner-key.pub",
            "chmod -R a+rX /var/www/cache /var/lib/nix-swarm",
        )
        publisher.systemctl("start nix-serve-p2p-tracker.service nix-serve-p2p-index.service")
        publisher.wait_for_open_port(6969)
        publisher.wait_for_open_port(8390)
        publisher.succeed("curl -sf http://127.0.0.1/nix-cache-info")

    with subtest("the peers run the substituter, first in Nix's list, upstream kept"):
        for peer in (peer1, peer2):
            peer.wait_for_unit("nix-serve-p2p.service")
            peer.wait_for_open_port(37515)
            peer.succeed("curl -sf http://127.0.0.1:37515/nix-cache-info | grep -q 'StoreDir: /nix/store'")
            peer.succeed("grep -E '^substituters = http://127.0.0.1:37515 https://cache.nixos.org/' /etc/nix/nix.conf")
            peer.fail("nix-store --check-validity ${payload}")
        # The substituter listens on loopback only; the peer port is open.
        publisher.fail("curl -sf --max-time 5 http://peer1:37515/nix-cache-info")
        publisher.wait_until_succeeds("nc -z peer1 6881")

    with subtest("peer1 realises the closure while the cache is up"):
        peer1.succeed("nix-store -r ${payload}")
        peer1.succeed("nix-store --verify-path ${payload} ${leaf}")

    with subtest("the cache goes away; peer2 gets the same closure from peer1"):
        publisher.systemctl("stop nginx.service")
        publisher.fail("curl -sf --max-time 5 http://127.0.0.1/nix-cache-info")
        peer2.succeed("nix-store -r ${payload}")
        peer2.succeed("nix-store --verify-path ${payload} ${leaf}")
        peer2.succeed("grep -qx 300000 ${payload}/data")

    with subtest("the services run sandboxed as dynamic users"):
        peer1.succeed("systemctl show -p DynamicUser nix-serve-p2p.service | grep -qx DynamicUser=yes")
        peer1.succeed("test -d /var/lib/private/nix-serve-p2p")
  '';
}
