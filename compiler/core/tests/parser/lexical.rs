//! The lexical structure: names, keywords, numbers, strings, comments.

use super::*;
#[test]
fn lexer_keywords_are_exactly_the_reserved_words() {
    for keyword in KEYWORDS {
        let lexed = lexer::lex(FileId(0), keyword);
        assert_eq!(
            lexed.tokens.first().map(|(t, _)| t.clone()),
            Some(Token::Keyword(keyword)),
            "{keyword}"
        );
    }
    for word in ["tag", "host", "app", "ifx", "selfie", "in-cluster", "let_"] {
        let lexed = lexer::lex(FileId(0), word);
        assert_eq!(
            lexed.tokens.first().map(|(t, _)| t.clone()),
            Some(Token::Ident(word)),
            "{word}"
        );
    }
}

#[test]
fn identifiers_may_contain_dashes_inside() {
    let ExprKind::Name(name) = expr("k8s-api").kind else {
        panic!("not a name");
    };
    assert_eq!(name.name, "k8s-api");
    let ExprKind::Name(name) = expr("a--b").kind else {
        panic!("not a name");
    };
    assert_eq!(name.name, "a--b");
    // A trailing dash is not part of the name; spaces make subtraction.
    let ExprKind::Binary { op, lhs, rhs } = expr("a - b").kind else {
        panic!("not a subtraction");
    };
    assert_eq!(op, BinOp::Sub);
    assert!(matches!(lhs.kind, ExprKind::Name(ref n) if n.name == "a"));
    assert!(matches!(rhs.kind, ExprKind::Name(ref n) if n.name == "b"));
    let ExprKind::Binary { op, lhs, .. } = expr("a- b").kind else {
        panic!("not a subtraction");
    };
    assert_eq!(op, BinOp::Sub);
    assert!(matches!(lhs.kind, ExprKind::Name(ref n) if n.name == "a"));
}

#[test]
fn any_word_may_follow_a_dot() {
    let ExprKind::Field(target, field) = expr("autogroup.self").kind else {
        panic!("not a field");
    };
    assert_eq!(field.name, "self");
    assert!(matches!(target.kind, ExprKind::Name(ref n) if n.name == "autogroup"));
    let ExprKind::Field(_, field) = expr("autogroup.danger-all").kind else {
        panic!("not a field");
    };
    assert_eq!(field.name, "danger-all");
}

#[test]
fn integers_and_unit_literals() {
    assert_eq!(expr("1_000_000").kind, ExprKind::Int(1_000_000));
    assert_eq!(expr("9223372036854775807").kind, ExprKind::Int(i64::MAX));
    for (text, number, unit) in [
        ("12h", "12", "h"),
        ("90d", "90", "d"),
        ("64Mi", "64", "Mi"),
        ("1.5Gi", "1.5", "Gi"),
        ("250m", "250", "m"),
        ("1_000m", "1000", "m"),
    ] {
        assert_eq!(
            expr(text).kind,
            ExprKind::Unit {
                number: number.to_string(),
                unit: unit.to_string()
            },
            "{text}"
        );
    }
}

#[test]
fn an_integer_too_large_is_malformed() {
    let text = "let x = 9223372036854775808";
    let (file, diagnostics) = parse(text);
    assert_eq!(codes(&diagnostics), ["B0004"]);
    assert_eq!(
        slice(text, diagnostics[0].primary.span),
        "9223372036854775808"
    );
    assert_eq!(let_value(&file).kind, ExprKind::Error);
}

#[test]
fn strings_decode_escapes() {
    let ExprKind::Str(parts) = expr(r#""a\nb\tc\rd\"e\\f\$g $h""#).kind else {
        panic!("not a string");
    };
    assert_eq!(parts, [StrPart::Lit("a\nb\tc\rd\"e\\f$g $h".to_string())]);
    assert_eq!(expr(r#""""#).kind, ExprKind::Str(Vec::new()));
}

#[test]
fn strings_interpolate_expressions() {
    let text = r#"let x = "https://${feed.fqdn}/x ${a + 1}""#;
    let file = parse_ok(text);
    let ExprKind::Str(parts) = &let_value(&file).kind else {
        panic!("not a string");
    };
    assert_eq!(parts.len(), 4);
    assert_eq!(parts[0], StrPart::Lit("https://".to_string()));
    let StrPart::Interp(first) = &parts[1] else {
        panic!("not an interpolation");
    };
    assert_eq!(slice(text, first.span), "feed.fqdn");
    assert!(matches!(first.kind, ExprKind::Field(_, ref f) if f.name == "fqdn"));
    assert_eq!(parts[2], StrPart::Lit("/x ".to_string()));
    let StrPart::Interp(second) = &parts[3] else {
        panic!("not an interpolation");
    };
    assert!(matches!(
        second.kind,
        ExprKind::Binary { op: BinOp::Add, .. }
    ));
    assert_eq!(slice(text, second.span), "a + 1");
}

#[test]
fn interpolations_may_hold_braces_and_strings() {
    let text = r#"let x = "a ${ {k = "}"}.k } b ${"in${"ner"}"} c""#;
    let file = parse_ok(text);
    let ExprKind::Str(parts) = &let_value(&file).kind else {
        panic!("not a string");
    };
    let interps: Vec<&Expr> = parts
        .iter()
        .filter_map(|p| match p {
            StrPart::Interp(e) => Some(e),
            StrPart::Lit(_) => None,
        })
        .collect();
    assert_eq!(interps.len(), 2);
    assert_eq!(slice(text, interps[0].span), r#"{k = "}"}.k"#);
    let ExprKind::Str(inner) = &interps[1].kind else {
        panic!("not a nested string");
    };
    assert_eq!(inner[0], StrPart::Lit("in".to_string()));
    assert!(
        matches!(&inner[1], StrPart::Interp(e) if matches!(&e.kind, ExprKind::Str(p) if p == &[StrPart::Lit("ner".to_string())]))
    );
}

#[test]
fn a_bad_escape_is_reported_and_the_string_kept() {
    let text = r#"let x = "a\qb""#;
    let (file, diagnostics) = parse(text);
    assert_eq!(codes(&diagnostics), ["B0004"]);
    assert_eq!(slice(text, diagnostics[0].primary.span), r"\q");
    assert_eq!(diagnostics[0].message, r"unknown escape '\q'");
    assert_eq!(
        let_value(&file).kind,
        ExprKind::Str(vec![StrPart::Lit("aqb".to_string())])
    );
}

#[test]
fn an_unterminated_string_ends_at_its_line() {
    let text = "let a = \"open\nlet b = \"closed\"\n";
    let (file, diagnostics) = parse(text);
    assert_eq!(codes(&diagnostics), ["B0002"]);
    assert_eq!(slice(text, diagnostics[0].primary.span), "\"open");
    assert_eq!(file.items.len(), 2);
    let ItemKind::Let(b) = &file.items[1].kind else {
        panic!("the second line is not a let");
    };
    assert_eq!(b.name.name, "b");
    assert_eq!(
        b.value.kind,
        ExprKind::Str(vec![StrPart::Lit("closed".to_string())])
    );
}

#[test]
fn invalid_characters_are_reported_once_per_run() {
    let text = "let a = 1 §§ 2\nlet b = 3";
    let (file, diagnostics) = parse(text);
    assert_eq!(codes(&diagnostics), ["B0003"]);
    assert_eq!(slice(text, diagnostics[0].primary.span), "§§");
    assert_eq!(file.items.len(), 3);
    assert!(matches!(&file.items[2].kind, ItemKind::Let(b) if b.name.name == "b"));
}

#[test]
fn comments_are_kept_in_order_and_docs_attached() {
    let text = "//! File doc.\n//! Second line.\n\n// plain\n/// Item doc.\n///   indented\ntag a { /// Entry doc.\n  x = 1 // after\n}\n";
    let file = parse_ok(text);
    let doc = file.doc.as_ref().map(|d| d.text.as_str());
    assert_eq!(doc, Some("File doc.\nSecond line."));
    let kinds: Vec<CommentKind> = file.comments.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            CommentKind::ModuleDoc,
            CommentKind::ModuleDoc,
            CommentKind::Line,
            CommentKind::Doc,
            CommentKind::Doc,
            CommentKind::Doc,
            CommentKind::Line
        ]
    );
    assert_eq!(file.comments[2].text, " plain");
    assert_eq!(slice(text, file.comments[2].span), "// plain");
    let item = &file.items[0];
    let item_doc = item.doc.as_ref().expect("item doc");
    assert_eq!(item_doc.text, "Item doc.\n  indented");
    assert_eq!(slice(text, item_doc.span), "/// Item doc.\n///   indented");
    assert_eq!(
        slice(text, item.span),
        "tag a { /// Entry doc.\n  x = 1 // after\n}"
    );
    let ItemKind::Decl(decl) = &item.kind else {
        panic!("not a declaration");
    };
    let Some(Expr {
        kind: ExprKind::Record(entries),
        ..
    }) = &decl.body
    else {
        panic!("no record body");
    };
    assert_eq!(
        entries[0].doc.as_ref().map(|d| d.text.as_str()),
        Some("Entry doc.")
    );
}

#[test]
fn a_module_doc_after_the_first_item_is_not_the_file_doc() {
    let file = parse_ok("let a = 1\n//! Late.\n");
    assert_eq!(file.doc, None);
    assert_eq!(file.comments.len(), 1);
}

#[test]
fn a_hash_and_the_rest_of_its_line_are_one_invalid_run() {
    let text = "let a = 1 # the answer, roughly\nlet b = 2\n";
    let (file, diagnostics) = parse(text);
    assert_eq!(codes(&diagnostics), ["B0003"]);
    assert_eq!(
        slice(text, diagnostics[0].primary.span),
        "# the answer, roughly"
    );
    assert_eq!(
        diagnostics[0].help.as_deref(),
        Some("comments start with '//'")
    );
    assert!(file
        .items
        .iter()
        .any(|i| matches!(&i.kind, ItemKind::Let(b) if b.name.name == "b")));
}
