; locals.scm of bops for Helix: generated from editors/tree-sitter-bops/queries/locals.scm
; by editors/tools/helix-queries.mjs, which editors/test.sh runs with --check. Edit the source
; and run `node editors/tools/helix-queries.mjs`.

; Scopes: the file, a function (its parameters), a declaration with parameters (a role's), and
; the expressions that bind names (`let ... in`, a comprehension, a record's `let` entries).
(source_file) @local.scope

(function_item) @local.scope

(declaration) @local.scope

(let_expression) @local.scope

(list_comprehension) @local.scope

(record) @local.scope

; Definitions.
(import
  path: (module_path
    (identifier) @local.definition .))

(import
  alias: (identifier) @local.definition)

(let_item
  name: (identifier) @local.definition)

(function_item
  name: (identifier) @local.definition)

(parameter
  name: (identifier) @local.definition)

(type_item
  name: (identifier) @local.definition)

(enum_item
  name: (identifier) @local.definition)

(let_expression
  name: (identifier) @local.definition)

(record_let
  name: (identifier) @local.definition)

(for_clause
  variable: (identifier) @local.definition)

; References: a name used as a value, not a field, key or argument name.
(_expression/identifier) @local.reference
