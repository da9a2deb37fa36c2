# nixpkgs' nixos/lib/utils.nix, the part the module uses (copied semantics, same names).
lib:
rec {
  # systemd unquotes Exec lines itself (C-style "…" escapes, which toJSON emits) and expands
  # % specifiers and $ variables, so those are doubled.
  escapeSystemdExecArg = arg:
    let
      s =
        if builtins.isPath arg then "${arg}"
        else if builtins.isString arg then arg
        else if builtins.isInt arg || builtins.isFloat arg || lib.isDerivation arg then toString arg
        else throw "escapeSystemdExecArg only allows strings, paths, numbers and derivations";
    in
    builtins.replaceStrings [ "%" "$" ] [ "%%" "$$" ] (builtins.toJSON s);

  escapeSystemdExecArgs = lib.concatMapStringsSep " " escapeSystemdExecArg;
}
