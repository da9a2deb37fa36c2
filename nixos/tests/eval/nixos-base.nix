# The NixOS options that nixos/module.nix defines into, declared as nixpkgs declares them (same
# types, same defaults), with NixOS' own definitions that matter here: nix.settings.substituters
# gets cache.nixos.org with mkAfter (nixos/modules/config/nix.nix), and trusted-public-keys its key.
{ lib, ... }:
let inherit (lib) mkOption types mkAfter; in
{
  options = {
    assertions = mkOption {
      type = types.listOf types.anything;
      default = [ ];
      description = "Assertions; a false one stops evaluation with its message.";
    };
    warnings = mkOption { type = types.listOf types.str; default = [ ]; };
    nix.settings = {
      substituters = mkOption { type = types.listOf types.str; };
      trusted-public-keys = mkOption { type = types.listOf types.str; };
    };
    networking.firewall = {
      enable = mkOption { type = types.bool; default = true; };
      allowedTCPPorts = mkOption { type = types.listOf types.port; default = [ ]; };
      allowedUDPPorts = mkOption { type = types.listOf types.port; default = [ ]; };
    };
    # A systemd unit is a submodule in NixOS; its attributes merge recursively here, and a
    # conflicting double definition is an error in both.
    systemd.services = mkOption { type = types.attrsOf types.anything; default = { }; };
  };

  config.nix.settings = {
    substituters = mkAfter [ "https://cache.nixos.org/" ];
    trusted-public-keys = mkAfter [ "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=" ];
  };
}
