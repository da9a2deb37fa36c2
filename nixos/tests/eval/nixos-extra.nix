# The other NixOS options that the nodes of ../swarm.nix set, declared loosely (any value), so that
# a node's configuration can be evaluated with module.nix and misspelt nix-serve-p2p options or
# failed assertions still show.
{ lib, ... }:
let inherit (lib) mkOption types; in
{
  options = {
    services.nginx = mkOption { type = types.anything; default = { }; };
    environment.systemPackages = mkOption { type = types.listOf types.package; default = [ ]; };
    environment.etc = mkOption { type = types.attrsOf types.anything; default = { }; };
    nix.settings.experimental-features = mkOption { type = types.listOf types.str; default = [ ]; };
    system.extraDependencies = mkOption { type = types.listOf types.package; default = [ ]; };
    virtualisation.memorySize = mkOption { type = types.ints.positive; default = 1024; };
  };
}
