# A stand-in for the few packages and builders that nixos/module.nix and nixos/package.nix use.
# Derivations are attribute sets with `type = "derivation"` and an outPath whose hash is computed
# from their inputs, as in nixpkgs (not the same hash: nothing is built). writeText really writes
# its file into the store given to nix-instantiate (`--store`), so its content can be read back.
lib:
let
  # Only Nix's base32 alphabet (no e, o, u, t) may appear in a store path's hash.
  toNix32 = builtins.replaceStrings [ "e" "o" "u" "t" ] [ "1" "2" "3" "4" ];
  drv = name: inputs: {
    type = "derivation";
    inherit name;
    outPath = "/nix/store/${toNix32 (builtins.substring 0 32 (builtins.hashString "sha256" (builtins.toJSON inputs)))}-${name}";
  };
  self = {
    inherit lib;
    writeText = name: text: builtins.toFile name text;
    runCommand = name: env: script: drv name { inherit env script; };
    curl = drv "curl-8.11.0" { };
    netcat = drv "libressl-4.0.0-nc" { };
    makeWrapper = drv "make-shell-wrapper-hook" { };
    jdk17_headless = drv "openjdk-headless-17.0.13+11" { };
    maven = drv "maven-3.9.9" { } // {
      buildMavenPackage = args:
        drv "${args.pname}-${args.version}" (removeAttrs args [ "src" "nativeBuildInputs" "mvnJdk" "meta" ])
        // { passthru = args.passthru or { }; inherit args; };
    };
    callPackage = fn: overrides:
      let
        f = if builtins.isFunction fn then fn else import fn;
        wanted = builtins.functionArgs f;
      in f (builtins.intersectAttrs wanted self // overrides);
  };
in
self
