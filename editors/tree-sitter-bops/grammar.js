/**
 * @file The tree-sitter grammar of the bops language (`.bops` files).
 *
 * It follows the compiler's lexer and parser (compiler/core/src/syntax/) and the reference in
 * docs/language.md. The compiler's parser recovers from errors its own way; this grammar only has
 * to read every valid file without an ERROR node, which editors/test.sh checks on every example
 * and standard library file.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

/**
 * The reserved words: `syntax::KEYWORDS` in compiler/core/src/syntax/mod.rs. The test
 * compiler/cli/tests/editors.rs checks that this list and the generated parser know exactly
 * these.
 */
const KEYWORDS = [
  'import', 'as', 'let', 'in', 'fn', 'type', 'enum', 'if', 'then', 'else', 'for', 'true',
  'false', 'null', 'on', 'self',
];

/** Binding strength of the operators, loosest first, as in compiler/core/src/syntax/parser/expr.rs. */
const PREC = {
  // `if ... else X` and `let ... in X`: X extends as far as possible.
  open: -1,
  or: 1,
  and: 2,
  equality: 3,
  comparison: 4,
  endpoint: 5,
  sum: 6,
  product: 7,
  unary: 8,
  postfix: 9,
};

/**
 * One or more `rule`s separated by `separator`, with an optional trailing separator.
 *
 * @param {RuleOrLiteral} rule
 * @param {RuleOrLiteral} separator
 */
function sepTrailing1(rule, separator) {
  return seq(rule, repeat(seq(separator, rule)), optional(separator));
}

/**
 * Zero or more `rule`s separated by `separator`, with an optional trailing separator.
 *
 * @param {RuleOrLiteral} rule
 * @param {RuleOrLiteral} separator
 */
function sepTrailing(rule, separator) {
  return optional(sepTrailing1(rule, separator));
}

/**
 * Entries of a braced body: separated by `,`, `;` or nothing.
 *
 * @param {RuleOrLiteral} rule
 */
function entries(rule) {
  return repeat(seq(rule, optional(choice(',', ';'))));
}

module.exports = grammar({
  name: 'bops',

  word: $ => $.identifier,

  extras: $ => [/\s/, $.comment, $.doc_comment, $.module_doc_comment],

  supertypes: $ => [$._expression, $._type, $._item],

  rules: {
    source_file: $ => repeat($._item),

    _item: $ => choice(
      $.attribute,
      $.import,
      $.let_item,
      $.function_item,
      $.type_item,
      $.enum_item,
      $.declaration,
    ),

    // `@allow(B3053, "reason")` before an item. The name follows `@` with no space, which tells
    // it apart from the endpoint operator `@`, as the compiler does; the compiler decides which
    // attributes exist and what their arguments mean.
    attribute: $ => seq(
      field('name', $.attribute_name),
      optional(field('arguments', $.attribute_arguments)),
    ),

    attribute_name: _ => token(seq('@', /[A-Za-z_][A-Za-z0-9_]*/)),

    attribute_arguments: $ => seq('(', sepTrailing($._expression, ','), ')'),

    // Items.

    import: $ => seq(
      'import',
      field('path', $.module_path),
      optional(seq('as', field('alias', $.identifier))),
    ),

    module_path: $ => seq($.identifier, repeat(seq('.', $.identifier))),

    let_item: $ => seq(
      'let',
      field('name', $.identifier),
      optional(seq(':', field('type', $._type))),
      '=',
      field('value', $._expression),
    ),

    function_item: $ => seq(
      'fn',
      field('name', $.identifier),
      field('parameters', $.parameters),
      optional(seq('->', field('return_type', $._type))),
      '=',
      field('body', $._expression),
    ),

    type_item: $ => seq('type', field('name', $.identifier), '=', field('type', $._type)),

    enum_item: $ => seq('enum', field('name', $.identifier), field('body', $.enum_body)),

    enum_body: $ => seq('{', entries($.enum_variant), '}'),

    enum_variant: $ => field('name', $.identifier),

    // `KIND NAME [(params)] [on EXPR] [{ entries } | = EXPR]`: the kind is a name, not a keyword.
    declaration: $ => seq(
      field('kind', $.identifier),
      field('name', $.identifier),
      optional(field('parameters', $.parameters)),
      optional(seq('on', field('on', $._expression))),
      optional(choice(
        field('body', $.record),
        seq('=', field('body', $._expression)),
      )),
    ),

    parameters: $ => seq('(', sepTrailing($.parameter, ','), ')'),

    parameter: $ => seq(
      field('name', $.identifier),
      optional(seq(':', field('type', $._type))),
      optional(seq('=', field('default', $._expression))),
    ),

    // Types.

    _type: $ => choice($.named_type, $.record_type, $.optional_type),

    named_type: $ => seq(field('name', $.identifier), optional(field('arguments', $.type_arguments))),

    type_arguments: $ => seq('<', sepTrailing1($._type, ','), '>'),

    optional_type: $ => seq(field('type', $._type), '?'),

    record_type: $ => seq('{', entries($.record_type_field), '}'),

    record_type_field: $ => seq(
      field('name', $._word),
      optional(field('optional', '?')),
      ':',
      field('type', $._type),
    ),

    // Expressions.

    _expression: $ => choice(
      $.integer,
      $.unit_literal,
      $.boolean,
      $.null,
      $.self,
      $.string,
      $.identifier,
      $.list,
      $.list_comprehension,
      $.record,
      $.parenthesized_expression,
      $.if_expression,
      $.let_expression,
      $.field_expression,
      $.index_expression,
      $.call_expression,
      $.unary_expression,
      $.binary_expression,
      $.endpoint_expression,
    ),

    integer: _ => /\d[\d_]*/,

    // A number with a unit: `12h`, `30s`, `64Mi`, `1.5Gi`, `250m`. Whether it is a duration or a
    // quantity is decided by the type it is checked against; the highlight queries tell them
    // apart by the unit where it is unambiguous.
    unit_literal: _ => /\d[\d_]*(\.\d[\d_]*)?[A-Za-z]+/,

    boolean: _ => choice('true', 'false'),

    null: _ => 'null',

    self: _ => 'self',

    string: $ => seq(
      '"',
      repeat(choice($.string_content, $.escape_sequence, $.interpolation)),
      token.immediate('"'),
    ),

    // Text inside a string: it ends at the end of the line. A `$` not followed by `{` is text.
    // The precedence makes `//` inside a string text, not a comment.
    string_content: _ => choice(
      token.immediate(prec(1, /[^"\\$\n]+/)),
      token.immediate(prec(1, '$')),
    ),

    escape_sequence: _ => token.immediate(/\\[ntr"\\$]/),

    interpolation: $ => seq(
      alias(token.immediate(prec(1, '${')), '${'),
      field('value', $._expression),
      '}',
    ),

    list: $ => seq('[', sepTrailing($._expression, ','), ']'),

    list_comprehension: $ => seq(
      '[',
      field('body', $._expression),
      $.for_clause,
      ']',
    ),

    for_clause: $ => seq(
      'for',
      field('variable', $.identifier),
      optional(seq(',', field('variable', $.identifier))),
      'in',
      field('iterable', $._expression),
      optional(seq('if', field('condition', $._expression))),
    ),

    record: $ => seq(
      '{',
      entries(choice($.record_field, $.record_spread, $.record_let)),
      '}',
    ),

    // `key = value`, or `key { ... }` for a nested record.
    record_field: $ => seq(
      field('key', choice($._word, $.string)),
      choice(
        seq('=', field('value', $._expression)),
        field('value', $.record),
      ),
    ),

    record_spread: $ => seq('...', field('value', $._expression)),

    record_let: $ => seq('let', field('name', $.identifier), '=', field('value', $._expression)),

    parenthesized_expression: $ => seq('(', $._expression, ')'),

    if_expression: $ => prec.right(PREC.open, seq(
      'if',
      field('condition', $._expression),
      'then',
      field('consequence', $._expression),
      'else',
      field('alternative', $._expression),
    )),

    let_expression: $ => prec.right(PREC.open, seq(
      'let',
      field('name', $.identifier),
      '=',
      field('value', $._expression),
      'in',
      field('body', $._expression),
    )),

    // `x.field`: after a `.` any name or keyword may follow (`autogroup.self`).
    field_expression: $ => prec(PREC.postfix, seq(
      field('value', $._expression),
      '.',
      field('field', $._word),
    )),

    index_expression: $ => prec(PREC.postfix, seq(
      field('value', $._expression),
      '[',
      field('index', $._expression),
      ']',
    )),

    call_expression: $ => prec(PREC.postfix, seq(
      field('function', $._expression),
      field('arguments', $.arguments),
    )),

    arguments: $ => seq('(', sepTrailing($.argument, ','), ')'),

    argument: $ => seq(
      optional(seq(field('name', $._word), '=')),
      field('value', $._expression),
    ),

    unary_expression: $ => prec(PREC.unary, seq(
      field('operator', choice('!', '-')),
      field('operand', $._expression),
    )),

    binary_expression: $ => {
      /** @type {[number, string[]][]} */
      const levels = [
        [PREC.or, ['||']],
        [PREC.and, ['&&']],
        [PREC.equality, ['==', '!=']],
        [PREC.comparison, ['<', '<=', '>', '>=']],
        [PREC.sum, ['+', '-']],
        [PREC.product, ['*', '/', '%']],
      ];
      return choice(...levels.flatMap(([level, operators]) => operators.map(operator =>
        prec.left(level, seq(
          field('left', $._expression),
          field('operator', operator),
          field('right', $._expression),
        )),
      )));
    },

    // `tag.feed @ 443`, `tag.web @ [80, 443]`, `host.x @ any`: a destination at its ports.
    endpoint_expression: $ => prec.left(PREC.endpoint, seq(
      field('target', $._expression),
      '@',
      field('ports', $._expression),
    )),

    // Names.

    // `[A-Za-z_][A-Za-z0-9_-]*`: a `-` inside a name, not at its start or end (`k8s-api`).
    identifier: _ => /[A-Za-z_][A-Za-z0-9_]*(-+[A-Za-z0-9_]+)*/,

    // Where any word is unambiguous (a field after `.`, a record key, a named argument, a field
    // of a record type), a keyword is a name too.
    _word: $ => choice($.identifier, alias(choice(...KEYWORDS), $.identifier)),

    // Comments: `//`, `///` (documents the next item, parameter or record entry) and `//!`
    // (documents the file). `////` is a plain comment.
    comment: _ => token(choice(/\/\/([^\/!\n][^\n]*)?/, /\/\/\/\/[^\n]*/)),

    doc_comment: _ => token(/\/\/\/([^\/\n][^\n]*)?/),

    module_doc_comment: _ => token(/\/\/![^\n]*/),
  },
});
