; Folds of bops: every bracketed body that can span lines.
[
  (record)
  (record_type)
  (list)
  (list_comprehension)
  (arguments)
  (parameters)
  (enum_body)
] @fold
