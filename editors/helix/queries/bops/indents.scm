; Indentation of bops for Helix: one level inside every bracket, back out at its closer.
[
  (record)
  (record_type)
  (list)
  (list_comprehension)
  (arguments)
  (parameters)
  (enum_body)
  (type_arguments)
] @indent

[
  "}"
  "]"
  ")"
] @outdent

(type_arguments
  ">" @outdent)
