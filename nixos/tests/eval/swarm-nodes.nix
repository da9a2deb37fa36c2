# Evaluates the nodes of ../swarm.nix (the VM test) with the stand-ins, since the VM test itself
# cannot run without nixpkgs and KVM: every option a node sets must exist, the module's assertions
# must hold, and each node's nix-swarm services, firewall and substituters come out for the tests
# to check, with the test script as the driver would get it.
let
  lib = import ./lib.nix;
  pkgs = import ./pkgs.nix lib;
  utils = import ./utils.nix lib;
  test = import ../swarm.nix { inherit pkgs lib; };
  evalNode = name: node:
    let
      inherit (import ./modules.nix lib {
        modules = [ ./nixos-base.nix ./nixos-extra.nix node ];
        specialArgs = { inherit pkgs utils; };
      }) config;
      failed = map (a: a.message) (lib.filter (a: !a.assertion) config.assertions);
    in
    if failed != [ ] then throw "node ${name}: failed assertions: ${lib.concatStringsSep "; " failed}"
    else {
      services = lib.filterAttrs (n: _: lib.hasPrefix "nix-serve-p2p" n) config.systemd.services;
      firewall = config.networking.firewall;
      substituters = config.nix.settings.substituters;
      trustedPublicKeys = config.nix.settings.trusted-public-keys;
      systemPackages = map (p: p.name) config.environment.systemPackages;
      etc = lib.mapAttrs (_: f: f.text) config.environment.etc;
    };
in
{
  inherit (test) name testScript;
  nodes = lib.mapAttrs evalNode test.nodes;
}
