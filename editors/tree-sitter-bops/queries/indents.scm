; Indentation of bops for Neovim: one level inside every bracket, back out at its closer.
[
  (record)
  (record_type)
  (list)
  (list_comprehension)
  (arguments)
  (parameters)
  (enum_body)
  (type_arguments)
] @indent.begin

[
  "}"
  "]"
  ")"
] @indent.branch @indent.end

(type_arguments
  ">" @indent.branch @indent.end)

[
  (comment)
  (doc_comment)
  (module_doc_comment)
] @indent.auto
