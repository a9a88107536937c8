; highlights.scm of bops for Helix: generated from editors/tree-sitter-bops/queries/highlights.scm
; by editors/tools/helix-queries.mjs, which editors/test.sh runs with --check. Edit the source
; and run `node editors/tools/helix-queries.mjs`.

[
  (comment)
  (doc_comment)
  (module_doc_comment)
  (string_content)
]

; Names: every name is a variable unless a pattern below says more. A field read with `.` is a
; property; `any` is every source, destination or port.
(identifier) @variable

(field_expression
  field: (identifier) @variable.other.member)

((identifier) @constant.builtin
  (#eq? @constant.builtin "any"))

; Operators and punctuation.
[
  "||"
  "&&"
  "=="
  "!="
  "<"
  "<="
  ">"
  ">="
  "+"
  "-"
  "*"
  "/"
  "%"
  "!"
  "@"
  "..."
  "="
  "->"
] @operator

"?" @punctuation.special

[
  "("
  ")"
  "["
  "]"
  "{"
  "}"
] @punctuation.bracket

[
  ","
  ";"
  "."
  ":"
] @punctuation.delimiter

; Reserved words: every one of `syntax::KEYWORDS` (compiler/cli/tests/editors.rs checks it).
[
  "import"
  "as"
] @keyword.control.import

"let" @keyword

"fn" @keyword.function

[
  "type"
  "enum"
] @keyword.storage.type

[
  "if"
  "then"
  "else"
] @keyword.control.conditional

"for" @keyword.control.repeat

"in" @keyword.operator

"on" @keyword

[
  "true"
  "false"
] @constant.builtin.boolean

(null) @constant.builtin

(self) @variable.builtin

; Literals.
(integer) @constant.numeric.integer

; A unit literal is a duration or a quantity by its unit; `m` (minutes, or thousandths) and an
; unknown unit depend on the type the value meets.
(unit_literal) @constant.numeric.unit

((unit_literal) @constant.numeric.duration
  (#match? @constant.numeric.duration "^[0-9_.]+[shdw]$"))

((unit_literal) @constant.numeric.quantity
  (#match? @constant.numeric.quantity "^[0-9_.]+(k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)$"))

(string
  "\"" @string)

(string_content) @string

(escape_sequence) @constant.character.escape

(interpolation
  [
    "${"
    "}"
  ] @punctuation.special)

; Items and declarations.
(import
  path: (module_path
    (identifier) @namespace))

(import
  alias: (identifier) @namespace)

(let_item
  name: (identifier) @constant)

(function_item
  name: (identifier) @function)

(parameter
  name: (identifier) @variable.parameter)

(type_item
  name: (identifier) @type)

(enum_item
  name: (identifier) @type)

(enum_variant
  name: (identifier) @constant)

; `KIND NAME`: the kind is a name the checker knows (check::schema::KINDS), not a keyword.
(declaration
  kind: (identifier) @type)

(declaration
  name: (identifier) @constant)

; Types: the builtin ones (check::types) over the declared ones.
(named_type
  name: (identifier) @type)

(named_type
  name: (identifier) @type.builtin
  (#any-of? @type.builtin
    "string" "int" "bool" "port" "duration" "quantity" "any" "list" "map" "SecretKey" "Endpoint"
    "PortSpec" "RoleUse" "Ip" "Destination" "HostAddress" "Selector" "Probe" "Exposure"
    "Container" "File" "EnvSource" "Mount" "Volume" "Strategy" "ServiceSettings" "PodSettings"
    "SecurityContext" "PodSecurityContext" "Module" "Task" "Handler" "Tailnet" "User" "Group" "Tag"
    "Grant" "Ssh" "Test"
    "Network" "IpSet" "Service" "Posture" "Acl" "SshTest" "AutoApprover" "NodeAttr" "Host"
    "HostGroup" "Role" "Cluster" "Forge" "Repo" "Secret" "App" "AuthKey" "Dns" "Zone" "DnsRecord"))

(record_type_field
  name: (identifier) @variable.other.member)

(type_arguments
  [
    "<"
    ">"
  ] @punctuation.bracket)

; Records, arguments and bindings.
(record_field
  key: (identifier) @variable.other.member)

(argument
  name: (identifier) @variable.parameter)

(record_let
  name: (identifier) @variable)

(let_expression
  name: (identifier) @variable)

(for_clause
  variable: (identifier) @variable)

; Calls: any function, then the builtins (check::builtins::NAMES).
(call_expression
  function: (identifier) @function)

(call_expression
  function: (field_expression
    field: (identifier) @function))

(call_expression
  function: (identifier) @function.builtin
  (#any-of? @function.builtin
    "tcp" "udp" "sctp" "icmp" "proto" "ip" "users_at" "localpart_at" "len" "join" "lower" "upper"
    "replace" "keys" "values" "contains" "str"))

; References: `tag.feed`, `host.atlas`, `secret.db.url`, `role.caddy(...)`, and the builtin
; namespace `autogroup.admin`.
(field_expression
  value: (identifier) @type
  field: (identifier) @constant
  (#any-of? @type
    "tailnet" "user" "group" "tag" "grant" "ssh" "test" "network" "ipset" "service" "posture" "acl"
    "ssh_test" "autoapprover" "nodeattr" "host" "hostgroup" "role" "cluster" "forge" "repo" "secret" "app"
    "authkey" "dns" "zone" "record"))

(field_expression
  value: (identifier) @variable.builtin
  field: (identifier) @constant.builtin
  (#eq? @variable.builtin "autogroup"))

; Ports: of an endpoint (`tag.feed @ 443`, `tag.web @ [80, 443]`) and of a port spec
; (`tcp(443)`, `udp(53)`, `sctp(2905)`, `tcp(8000, 8100)`). A port spec is one pattern per number
; of arguments, so that one call is one match: of two matches that capture the same node (the
; `tcp`), tree-sitter keeps only the last.
(endpoint_expression
  ports: (integer) @constant.numeric.port)

(endpoint_expression
  ports: (list
    (integer) @constant.numeric.port))

(call_expression
  function: (identifier) @function.builtin
  arguments: (arguments
    .
    (argument
      value: (integer) @constant.numeric.port)
    .)
  (#any-of? @function.builtin "tcp" "udp" "sctp"))

(call_expression
  function: (identifier) @function.builtin
  arguments: (arguments
    .
    (argument
      value: (integer) @constant.numeric.port)
    .
    (argument
      value: (integer) @constant.numeric.port)
    .)
  (#any-of? @function.builtin "tcp" "udp" "sctp"))

; Comments.
(comment) @comment.line

[
  (doc_comment)
  (module_doc_comment)
] @comment.line.documentation

; Attributes before an item, `@allow(B3053, "reason")`: the attribute, and the codes it names as
; constants (the reason is a string above).
(attribute
  name: (attribute_name) @attribute)

(attribute_arguments
  (identifier) @constant)
