{
  description = "nix-swarm: a peer-to-peer layer for the Nix binary cache";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      forAllSystems = f: nixpkgs.lib.genAttrs [ "x86_64-linux" "aarch64-linux" ]
        (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: rec {
        nix-swarm = pkgs.callPackage ./nixos/package.nix { };
        default = nix-swarm;
      });

      # The module takes pkgs.nix-swarm when this overlay is applied, else builds ./nixos/package.nix.
      overlays.default = final: prev: { nix-swarm = final.callPackage ./nixos/package.nix { }; };
      nixosModules.default = ./nixos/module.nix;

      # The multi-machine VM test (needs KVM): nix build .#checks.x86_64-linux.swarm
      checks = forAllSystems (pkgs: { swarm = pkgs.testers.runNixOSTest ./nixos/tests/swarm.nix; });
    };
}
