# A stand-in for the parts of nixpkgs' `lib` that nixos/module.nix and nixos/package.nix use, so
# that real Nix can evaluate the module without nixpkgs (there is none where the tests run).
#
# Same names, same value shapes (`_type = "option" | "if" | "merge" | "override" | "order"`), the
# same priorities (mkDefault 1000, mkForce 50, plain definitions 100; mkBefore 500, mkAfter 1500)
# and the same merge rules as nixpkgs' lib/modules.nix and lib/types.nix, reduced to what the module
# needs. Stricter than nixpkgs in one respect: mkOption refuses unknown attributes, so a typo such
# as `defualt` fails here instead of being ignored.
let
  lib = rec {
    inherit (builtins)
      all any attrNames concatLists concatMap elem filter foldl' genList hasAttr head isAttrs isBool
      isFunction isInt isList isString isPath isFloat length listToAttrs map mapAttrs removeAttrs
      replaceStrings sort tail toJSON typeOf;

    # ---- lists, strings, attribute sets -------------------------------------------------------
    optional = cond: x: if cond then [ x ] else [ ];
    optionals = cond: xs: if cond then xs else [ ];
    optionalString = cond: s: if cond then s else "";
    optionalAttrs = cond: as: if cond then as else { };
    concatStrings = builtins.concatStringsSep "";
    concatStringsSep = builtins.concatStringsSep;
    concatMapStrings = f: xs: concatStrings (map f xs);
    concatMapStringsSep = sep: f: xs: builtins.concatStringsSep sep (map f xs);
    hasPrefix = pre: s: builtins.substring 0 (builtins.stringLength pre) s == pre;
    hasSuffix = suf: s:
      let ls = builtins.stringLength s; lf = builtins.stringLength suf;
      in lf <= ls && builtins.substring (ls - lf) lf s == suf;
    hasInfix = infix: s: builtins.match ".*${escapeRegex infix}.*" s != null;
    escapeRegex = replaceStrings
      [ "\\" "[" "]" "{" "}" "(" ")" "^" "$" "*" "+" "?" "." "|" ]
      [ "\\\\" "\\[" "\\]" "\\{" "\\}" "\\(" "\\)" "\\^" "\\$" "\\*" "\\+" "\\?" "\\." "\\|" ];
    filterAttrs = pred: set:
      listToAttrs (concatMap (n: optional (pred n set.${n}) { name = n; value = set.${n}; }) (attrNames set));
    attrByPath = path: default: set:
      if path == [ ] then set
      else if isAttrs set && set ? ${head path} then attrByPath (tail path) default set.${head path}
      else default;
    showOption = builtins.concatStringsSep ".";
    isDerivation = x: isAttrs x && (x.type or null) == "derivation";
    isStorePath = x:
      let s = toString x;
      in builtins.match "/nix/store/[0-9a-df-np-sv-z]{32}-[^/]+" s != null;

    # nixpkgs' lib.strings.escapeShellArg(s): single quotes, ' written as '\''.
    escapeShellArg = arg:
      let s = toString arg;
      in if builtins.match "[[:alnum:],._+:@%/-]+" s != null then s
         else "'${replaceStrings [ "'" ] [ "'\\''" ] s}'";
    escapeShellArgs = xs: builtins.concatStringsSep " " (map escapeShellArg xs);

    licenses.asl20 = { spdxId = "Apache-2.0"; fullName = "Apache License 2.0"; };
    platforms.unix = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];

    fakeHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    fakeSha256 = "0000000000000000000000000000000000000000000000000000";

    cleanSourceWith = { src, filter ? (_: _: true), name ? "source" }:
      builtins.path { path = src; inherit filter name; };
    cleanSource = src: cleanSourceWith { inherit src; };

    # ---- option declarations ------------------------------------------------------------------
    mkOption = attrs:
      let
        known = [ "default" "defaultText" "example" "description" "type" "apply" "internal" "visible" "readOnly" "relatedPackages" ];
        unknown = filter (n: !(elem n known)) (attrNames attrs);
      in
      if unknown != [ ] then throw "mkOption: unknown attribute(s) ${toJSON unknown}"
      else attrs // { _type = "option"; };

    mkEnableOption = name: mkOption {
      default = false;
      example = true;
      description = "Whether to enable ${name}.";
      type = types.bool;
    };

    literalExpression = text: { _type = "literalExpression"; inherit text; };
    literalMD = text: { _type = "literalMD"; inherit text; };

    isOption = x: isAttrs x && (x._type or null) == "option";

    # ---- properties of definitions ------------------------------------------------------------
    mkIf = condition: content: { _type = "if"; inherit condition content; };
    mkMerge = contents: { _type = "merge"; inherit contents; };
    mkOverride = priority: content: { _type = "override"; inherit priority content; };
    mkOptionDefault = mkOverride 1500;
    mkDefault = mkOverride 1000;
    mkForce = mkOverride 50;
    mkOrder = priority: content: { _type = "order"; inherit priority content; };
    mkBefore = mkOrder 500;
    mkAfter = mkOrder 1500;
    defaultOverridePriority = 100;
    defaultOrderPriority = 1000;

    # mkMerge and mkIf dissolved into the list of plain (possibly overridden/ordered) values.
    dischargeProperties = def:
      let t = def._type or null; in
      if t == "merge" then concatMap dischargeProperties def.contents
      else if t == "if" then
        (if isBool def.condition then
          (if def.condition then dischargeProperties def.content else [ ])
        else throw "mkIf called with a non-Boolean condition")
      else if t == "override" then map (mkOverride def.priority) (dischargeProperties def.content)
      else [ def ];

    # Only the definitions of the highest priority (lowest number) survive.
    filterOverrides = defs:
      let
        prio = d: if (d.value._type or null) == "override" then d.value.priority else defaultOverridePriority;
        best = foldl' (acc: d: if prio d < acc then prio d else acc) 9999 defs;
        strip = d: d // { value = if (d.value._type or null) == "override" then d.value.content else d.value; };
      in map strip (filter (d: prio d == best) defs);

    sortProperties = defs:
      let
        prio = d: if (d.value._type or null) == "order" then d.value.priority else defaultOrderPriority;
        strip = d: d // { value = if (d.value._type or null) == "order" then d.value.content else d.value; };
      in map strip (sort (a: b: prio a < prio b) defs);

    # defs :: [ { file; value; } ] of one option, before properties are discharged.
    mergeDefinitions = loc: type: defs:
      let
        discharged = concatMap (d: map (v: { inherit (d) file; value = v; }) (dischargeProperties d.value)) defs;
        final = sortProperties (filterOverrides discharged);
        bad = filter (d: !(type.check d.value)) final;
      in
      if bad != [ ] then
        throw "A definition for option `${showOption loc}' is not of type `${type.description}'. Definition values:\n- In `${(head bad).file}': ${toJSON (head bad).value}"
      else { isDefined = final != [ ]; value = type.merge loc final; };

    mergeEqualOption = loc: defs:
      if defs == [ ] then throw "The option `${showOption loc}' is used but not defined."
      else foldl' (acc: d:
        if d.value == acc then acc
        else throw "The option `${showOption loc}' has conflicting definition values:\n- ${toJSON acc}\n- ${toJSON d.value}")
        (head defs).value (tail defs);

    mergeOneOption = loc: defs:
      if defs == [ ] then throw "The option `${showOption loc}' is used but not defined."
      else if length defs == 1 then (head defs).value
      else mergeEqualOption loc defs;

    # ---- types --------------------------------------------------------------------------------
    mkOptionType = { name, description ? name, check ? (_: true), merge ? mergeOneOption }:
      { _type = "option-type"; inherit name description check merge; };

    types = rec {
      bool = mkOptionType { name = "bool"; description = "boolean"; check = isBool; merge = mergeEqualOption; };
      str = mkOptionType { name = "str"; description = "string"; check = isString; merge = mergeEqualOption; };
      nonEmptyStr = mkOptionType {
        name = "nonEmptyStr"; description = "non-empty string";
        check = x: isString x && builtins.match "[ \t\n]*" x == null; merge = mergeEqualOption;
      };
      strMatching = pattern: mkOptionType {
        name = "strMatching ${toJSON pattern}";
        description = "string matching the pattern ${pattern}";
        check = x: isString x && builtins.match pattern x != null;
        merge = mergeEqualOption;
      };
      int = mkOptionType { name = "int"; description = "signed integer"; check = isInt; merge = mergeEqualOption; };
      ints = rec {
        between = lo: hi: mkOptionType {
          name = "intBetween"; description = "integer between ${toString lo} and ${toString hi} (both inclusive)";
          check = x: isInt x && x >= lo && x <= hi; merge = mergeEqualOption;
        };
        unsigned = mkOptionType { name = "unsignedInt"; description = "unsigned integer, meaning >=0"; check = x: isInt x && x >= 0; merge = mergeEqualOption; };
        positive = mkOptionType { name = "positiveInt"; description = "positive integer, meaning >0"; check = x: isInt x && x > 0; merge = mergeEqualOption; };
        u16 = between 0 65535 // { description = "16 bit unsigned integer; between 0 and 65535 (both inclusive)"; };
      };
      port = ints.u16;
      path = mkOptionType {
        name = "path"; description = "path";
        check = x: isPath x || (isString x && builtins.substring 0 1 x == "/") || isDerivation x;
        merge = mergeEqualOption;
      };
      package = mkOptionType {
        name = "package"; description = "package";
        check = x: isDerivation x || isStorePath x;
        merge = mergeOneOption;
      };
      enum = values: mkOptionType {
        name = "enum"; description = "one of ${builtins.concatStringsSep ", " (map toJSON values)}";
        check = x: elem x values; merge = mergeEqualOption;
      };
      nullOr = elemType: mkOptionType {
        name = "nullOr"; description = "null or ${elemType.description}";
        check = x: x == null || elemType.check x;
        merge = loc: defs:
          if all (d: d.value == null) defs then null
          else if any (d: d.value == null) defs then
            throw "The option `${showOption loc}' is defined both null and not null."
          else elemType.merge loc defs;
      };
      either = t1: t2: mkOptionType {
        name = "either"; description = "${t1.description} or ${t2.description}";
        check = x: t1.check x || t2.check x;
        merge = loc: defs:
          if all (d: t1.check d.value) defs then t1.merge loc defs
          else if all (d: t2.check d.value) defs then t2.merge loc defs
          else mergeOneOption loc defs;
      };
      listOf = elemType: mkOptionType {
        name = "listOf"; description = "list of ${elemType.description}";
        check = x: isList x && all elemType.check x;
        merge = loc: defs: concatMap (d: d.value) defs;
      };
      attrsOf = elemType: mkOptionType {
        name = "attrsOf"; description = "attribute set of ${elemType.description}";
        check = isAttrs;
        merge = loc: defs:
          let
            names = attrNames (foldl' (acc: d: acc // d.value) { } defs);
            merged = n: mergeDefinitions (loc ++ [ n ]) elemType
              (concatMap (d: optional (d.value ? ${n}) { inherit (d) file; value = d.value.${n}; }) defs);
          in mapAttrs (_: r: r.value)
            (filterAttrs (_: r: r.isDefined) (listToAttrs (map (n: { name = n; value = merged n; }) names)));
      };
      # Like nixpkgs' types.anything: attribute sets merge recursively (definitions inside may be
      # mkIf/mkMerge/mkOverride), everything else must be defined once or equally.
      anything = mkOptionType {
        name = "anything"; description = "anything";
        merge = loc: defs:
          if all (d: isAttrs d.value && !(isDerivation d.value)) defs then (attrsOf anything).merge loc defs
          else mergeEqualOption loc defs;
      };
      attrs = mkOptionType { name = "attrs"; description = "attribute set"; check = isAttrs; merge = loc: foldl' (acc: d: acc // d.value) { }; };
    };
  };
in
lib
