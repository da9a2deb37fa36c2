# A tiny module system in the manner of nixpkgs' lib.evalModules: modules (functions or attribute
# sets, with `imports`, `options` and `config`) declare options and define values; every option's
# value is the merge of its definitions (mkIf, mkMerge, mkOverride/mkDefault/mkForce, mkOrder/
# mkBefore/mkAfter, then the type's merge), or its default when nothing defines it. As in nixpkgs,
# a definition of an option nobody declared is an error, and `config` is a fixed point: modules
# read the final values (`config.services.…`) that they help define.
lib:
{ modules, specialArgs ? { } }:
let
  inherit (lib) isAttrs isFunction isOption concatMap map mapAttrs attrNames optional all showOption toJSON;

  args = specialArgs // { inherit lib config options; };

  # Every module, imports included, as { file, options, config }.
  collect = file: m:
    let
      value = if isFunction m then m args
              else if lib.isPath m || lib.isString m then import m
              else m;
      loaded = if isFunction value then value args else value;
      name = if lib.isPath m || lib.isString m then toString m else file;
      structured = loaded ? options || loaded ? config;
      self = {
        file = name;
        options = if structured then loaded.options or { } else { };
        config = if structured then loaded.config or { } else removeAttrs loaded [ "imports" ];
      };
    in [ self ] ++ concatMap (collect name) (loaded.imports or [ ]);

  all' = concatMap (m: collect "<configuration>" m) modules;

  # Declarations of all modules merged into one tree whose leaves are options.
  mergeDecls = path: a: b:
    if isOption a || isOption b then
      throw "The option `${showOption path}' is declared more than once."
    else a // mapAttrs (n: v: if a ? ${n} then mergeDecls (path ++ [ n ]) a.${n} v else v) b;
  options = lib.foldl' (acc: m: mergeDecls [ ] acc m.options) { } all';

  # A definition at an attribute-set level, split into attribute sets whose values carry the
  # properties (mkIf, mkOverride) of the levels above, without forcing any condition: the set of
  # defined names must be known before config is.
  pushDown = v:
    let t = v._type or null; in
    if t == "merge" then concatMap pushDown v.contents
    else if t == "if" then map (mapAttrs (_: lib.mkIf v.condition)) (pushDown v.content)
    else if t == "override" then map (mapAttrs (_: lib.mkOverride v.priority)) (pushDown v.content)
    else if isAttrs v then [ v ]
    else throw "A definition is not an attribute set where options are expected: ${toJSON v}";

  evalAt = path: decl: defs:
    if isOption decl then
      let
        r = lib.mergeDefinitions path decl.type defs;
        value =
          if r.isDefined then r.value
          else if decl ? default then
            (if decl.type.check decl.default then decl.default
             else throw "The default of option `${showOption path}' is not of type `${decl.type.description}'.")
          else throw "The option `${showOption path}' is used but not defined.";
      in if decl ? apply then decl.apply value else value
    else
      let
        pushed = concatMap (d: map (a: { inherit (d) file; value = a; }) (pushDown d.value)) defs;
        undeclared = concatMap (d: map (n: { inherit n; inherit (d) file; })
          (lib.filter (n: !(decl ? ${n})) (attrNames d.value))) pushed;
        sub = n: concatMap (d: optional (d.value ? ${n}) { inherit (d) file; value = d.value.${n}; }) pushed;
      in
      if undeclared != [ ] then
        let u = lib.head undeclared; in
        throw "The option `${showOption (path ++ [ u.n ])}' does not exist. Definition in `${u.file}'."
      else mapAttrs (n: d: evalAt (path ++ [ n ]) d (sub n)) decl;

  config = evalAt [ ] options (map (m: { inherit (m) file; value = m.config; }) all');
in
{ inherit config options; }
