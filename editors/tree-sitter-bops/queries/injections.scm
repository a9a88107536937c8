; Injections of bops.
;
; bops has no raw YAML or JSON blocks: the lexer (compiler/core/src/syntax/lexer.rs) has no such
; token, every structured value is a record, and the compiler writes the YAML and JSON itself. So
; the only injection is the `comment` language into comments, for TODO and NOTE markers.
([
  (comment)
  (doc_comment)
  (module_doc_comment)
] @injection.content
  (#set! injection.language "comment"))
