; Text objects of bops for Helix: functions and declarations (`mif`, `maf`; `mac` for a
; declaration as a "class"), parameters and arguments (`mia`), entries and comments.
(function_item
  body: (_) @function.inside) @function.around

(declaration
  body: (_) @class.inside) @class.around

(parameter) @parameter.inside

(argument) @parameter.inside

(record_field) @entry.around

(record_field
  value: (_) @entry.inside)

(record_type_field) @entry.around

[
  (comment)
  (doc_comment)
  (module_doc_comment)
] @comment.inside

(comment)+ @comment.around

(doc_comment)+ @comment.around
