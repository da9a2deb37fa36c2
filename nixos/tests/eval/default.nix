# Evaluates nixos/module.nix with the stand-ins in this folder and returns what the tests check:
#   nix-instantiate --eval --strict --json nixos/tests/eval --arg configuration '{ … }'
# Failed assertions stop the evaluation with their messages, as nixos-rebuild does.
{ configuration ? { } }:
let
  lib = import ./lib.nix;
  pkgs = import ./pkgs.nix lib;
  utils = import ./utils.nix lib;
  eval = import ./modules.nix lib {
    # As on a real machine: configuration.nix first, the module it imports after it.
    modules = [ ./nixos-base.nix configuration ../../module.nix ];
    specialArgs = { inherit pkgs utils; };
  };
  inherit (eval) config;
  failed = map (a: a.message) (lib.filter (a: !a.assertion) config.assertions);
  result = {
    cfg = config.services.nix-serve-p2p;
    services = lib.filterAttrs (n: _: lib.hasPrefix "nix-serve-p2p" n) config.systemd.services;
    firewall = config.networking.firewall;
    substituters = config.nix.settings.substituters;
    trustedPublicKeys = config.nix.settings.trusted-public-keys;
  };
in
if failed != [ ] then throw "\nFailed assertions:\n${lib.concatMapStrings (m: "- ${m}\n") failed}"
else result
