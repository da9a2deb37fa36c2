# nix-swarm, built from this repository with nixpkgs' Maven support.
#   nix-build -E 'with import <nixpkgs> { }; callPackage ./nixos/package.nix { }'
#
# mvnHash pins every Maven dependency (a fixed-output derivation). It is lib.fakeHash here because
# it can only be computed by a build with nixpkgs, which this repository's CI does not have: on the
# first build Nix fails with "hash mismatch … got: sha256-…"; put that value here. It changes
# whenever a pom.xml changes a dependency or plugin.
{
  lib,
  maven,
  jdk17_headless,
  makeWrapper,
  # The runtime: any Java 17 or later (nix-swarm is compiled for 17).
  jre ? jdk17_headless,
}:

maven.buildMavenPackage {
  pname = "nix-swarm";
  version = "0.1.0";

  # The Maven project only: build outputs, this folder and VCS data would change the source hash
  # (and mvnHash with it) without changing the program.
  src = lib.cleanSourceWith {
    name = "nix-swarm-source";
    src = ../.;
    filter = path: type:
      let base = baseNameOf (toString path); in
      !(type == "directory" && lib.elem base [ "target" "nixos" ])
      # .git is a file in a git worktree; result is nix-build's symlink.
      && !(lib.elem base [ ".git" "flake.nix" "flake.lock" "result" ]);
  };

  mvnHash = lib.fakeHash; # fill in on first build, see above
  mvnJdk = jdk17_headless;
  # Only the command and what it depends on. The test suite needs nix-bin, aria2, libtorrent,
  # loopback networking and ../shared data: it runs in the project's CI, not in the sandbox.
  mvnParameters = "-pl cli -am";
  doCheck = false;

  nativeBuildInputs = [ makeWrapper ];

  # The distribution is cli/target/nix-swarm.jar, whose manifest's Class-Path names lib/*.jar
  # beside it: keep that layout.
  installPhase = ''
    runHook preInstall
    install -Dm644 cli/target/nix-swarm.jar $out/share/nix-swarm/nix-swarm.jar
    install -Dm644 -t $out/share/nix-swarm/lib cli/target/lib/*.jar
    makeWrapper ${jre}/bin/java $out/bin/nix-swarm \
      --add-flags "-jar $out/share/nix-swarm/nix-swarm.jar"
    runHook postInstall
  '';

  meta = {
    description = "A peer-to-peer layer for the Nix binary cache: bundles, tracker, index and substituter";
    license = lib.licenses.asl20;
    mainProgram = "nix-swarm";
    platforms = lib.platforms.unix;
  };
}
