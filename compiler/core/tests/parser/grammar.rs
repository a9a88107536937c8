//! Items and expressions: the trees and spans of well-formed input.

use super::*;
#[test]
fn declarations_in_every_form() {
    let text = "role caddy(domain: string, port: port = 443) { source = \"roles/caddy\" }\n\
                app feed on cluster.home = web_app(\"x\")\n\
                tag bare\n\
                host atlas {}";
    let file = parse_ok(text);
    let decls: Vec<_> = file
        .items
        .iter()
        .map(|i| match &i.kind {
            ItemKind::Decl(d) => d,
            other => panic!("not a declaration: {other:?}"),
        })
        .collect();
    assert_eq!(decls.len(), 4);

    let role = decls[0];
    assert_eq!(
        (role.kind.name.as_str(), role.name.name.as_str()),
        ("role", "caddy")
    );
    let params = role.params.as_ref().expect("params");
    assert_eq!(params.len(), 2);
    assert_eq!(slice(text, params[1].span), "port: port = 443");
    assert!(params[1].default.is_some());
    assert!(matches!(
        role.body.as_ref().map(|b| &b.kind),
        Some(ExprKind::Record(_))
    ));
    assert_eq!(
        slice(text, role.body.as_ref().map(|b| b.span).unwrap_or_default()),
        "{ source = \"roles/caddy\" }"
    );

    let app = decls[1];
    assert_eq!(
        slice(text, app.on.as_ref().map(|e| e.span).unwrap_or_default()),
        "cluster.home"
    );
    assert!(matches!(
        app.body.as_ref().map(|b| &b.kind),
        Some(ExprKind::Call { .. })
    ));
    assert_eq!(
        slice(text, file.items[1].span),
        "app feed on cluster.home = web_app(\"x\")"
    );

    assert!(decls[2].body.is_none() && decls[2].params.is_none() && decls[2].on.is_none());
    assert_eq!(slice(text, file.items[2].span), "tag bare");
    assert!(matches!(
        decls[3].body.as_ref().map(|b| &b.kind),
        Some(ExprKind::Record(entries)) if entries.is_empty()
    ));
}

#[test]
fn other_items() {
    let text = "import std.k8s as k\nimport lib.web\nlet p: list<port>? = null\n\
                fn f(a: int) -> int = a\ntype R = { a: string, b?: int }\nenum E { x, y; z }";
    let file = parse_ok(text);
    let ItemKind::Import(import) = &file.items[0].kind else {
        panic!("not an import");
    };
    let path: Vec<&str> = import.path.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(path, ["std", "k8s"]);
    assert_eq!(import.alias.as_ref().map(|a| a.name.as_str()), Some("k"));
    let ItemKind::Let(def) = &file.items[2].kind else {
        panic!("not a let");
    };
    let ty = def.ty.as_ref().expect("type");
    assert_eq!(slice(text, ty.span), "list<port>?");
    let TypeExprKind::Optional(inner) = &ty.kind else {
        panic!("not optional");
    };
    assert!(
        matches!(&inner.kind, TypeExprKind::Named { name, args } if name.name == "list" && args.len() == 1)
    );
    let ItemKind::Fn(def) = &file.items[3].kind else {
        panic!("not a fn");
    };
    assert_eq!(def.params.len(), 1);
    assert!(def.ret.is_some());
    let ItemKind::Type(def) = &file.items[4].kind else {
        panic!("not a type");
    };
    let TypeExprKind::Record(fields) = &def.ty.kind else {
        panic!("not a record type");
    };
    assert_eq!(
        fields
            .iter()
            .map(|f| (f.name.name.as_str(), f.optional))
            .collect::<Vec<_>>(),
        [("a", false), ("b", true)]
    );
    let ItemKind::Enum(def) = &file.items[5].kind else {
        panic!("not an enum");
    };
    let variants: Vec<&str> = def.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(variants, ["x", "y", "z"]);
}

#[test]
fn operator_precedence_follows_binop() {
    // Loosest first: || && (== !=) (< <= > >=) @ (+ -) (* / %).
    let e = expr("a || b && c == d < e @ f + g * h");
    let ExprKind::Binary {
        op: BinOp::Or, rhs, ..
    } = e.kind
    else {
        panic!("|| is not loosest");
    };
    let ExprKind::Binary {
        op: BinOp::And,
        rhs,
        ..
    } = rhs.kind
    else {
        panic!("&& is not next");
    };
    let ExprKind::Binary {
        op: BinOp::Eq, rhs, ..
    } = rhs.kind
    else {
        panic!("== is not next");
    };
    let ExprKind::Binary {
        op: BinOp::Lt, rhs, ..
    } = rhs.kind
    else {
        panic!("< is not next");
    };
    let ExprKind::Binary {
        op: BinOp::At, rhs, ..
    } = rhs.kind
    else {
        panic!("@ is not next");
    };
    let ExprKind::Binary {
        op: BinOp::Add,
        rhs,
        ..
    } = rhs.kind
    else {
        panic!("+ is not next");
    };
    assert!(matches!(rhs.kind, ExprKind::Binary { op: BinOp::Mul, .. }));

    // Left associativity, and unary operators binding tightest.
    let e = expr("a - b - c");
    let ExprKind::Binary {
        op: BinOp::Sub,
        lhs,
        ..
    } = e.kind
    else {
        panic!("not a subtraction");
    };
    assert!(matches!(lhs.kind, ExprKind::Binary { op: BinOp::Sub, .. }));
    let e = expr("-a.b * !c");
    let ExprKind::Binary {
        op: BinOp::Mul,
        lhs,
        rhs,
    } = e.kind
    else {
        panic!("not a product");
    };
    assert!(
        matches!(lhs.kind, ExprKind::Unary { op: UnOp::Neg, ref expr } if matches!(expr.kind, ExprKind::Field(..)))
    );
    assert!(matches!(rhs.kind, ExprKind::Unary { op: UnOp::Not, .. }));
}

#[test]
fn spans_of_nested_expressions() {
    let text = "let x = f(a, b = (1 + 2) * 3)[0].c";
    let file = parse_ok(text);
    let value = let_value(&file);
    assert_eq!(slice(text, value.span), "f(a, b = (1 + 2) * 3)[0].c");
    let ExprKind::Field(index, c) = &value.kind else {
        panic!("not a field");
    };
    assert_eq!(slice(text, c.span), "c");
    assert_eq!(slice(text, index.span), "f(a, b = (1 + 2) * 3)[0]");
    let ExprKind::Index(call, at) = &index.kind else {
        panic!("not an index");
    };
    assert_eq!(slice(text, at.span), "0");
    let ExprKind::Call { callee, args } = &call.kind else {
        panic!("not a call");
    };
    assert_eq!(slice(text, callee.span), "f");
    assert_eq!(args.len(), 2);
    assert_eq!(args[1].name.as_ref().map(|n| n.name.as_str()), Some("b"));
    assert_eq!(slice(text, args[1].value.span), "(1 + 2) * 3");
    let ExprKind::Binary { lhs, .. } = &args[1].value.kind else {
        panic!("not a product");
    };
    // Parentheses belong to the expression they enclose.
    assert_eq!(slice(text, lhs.span), "(1 + 2)");
}

#[test]
fn comprehensions() {
    let text = "let x = [tcp(p) for p in ports if p != 22]";
    let file = parse_ok(text);
    let ExprKind::Comprehension {
        body,
        var,
        var2,
        iter,
        cond,
    } = &let_value(&file).kind
    else {
        panic!("not a comprehension");
    };
    assert_eq!(slice(text, body.span), "tcp(p)");
    assert_eq!(var.name, "p");
    assert!(var2.is_none());
    assert_eq!(slice(text, iter.span), "ports");
    assert_eq!(cond.as_ref().map(|c| slice(text, c.span)), Some("p != 22"));

    let ExprKind::Comprehension {
        var, var2, cond, ..
    } = expr("[k for k, v in labels]").kind
    else {
        panic!("not a comprehension");
    };
    assert_eq!(
        (var.name.as_str(), var2.map(|v| v.name)),
        ("k", Some("v".to_string()))
    );
    assert!(cond.is_none());
}

#[test]
fn conditionals_and_lets() {
    let ExprKind::If { otherwise, .. } = expr("if a then b else if c then d else e").kind else {
        panic!("not an if");
    };
    assert!(matches!(otherwise.kind, ExprKind::If { .. }));
    let ExprKind::Let { name, body, .. } = expr("let x = 1 in x + 1").kind else {
        panic!("not a let");
    };
    assert_eq!(name.name, "x");
    assert!(matches!(body.kind, ExprKind::Binary { op: BinOp::Add, .. }));
    assert_eq!(expr("self").kind, ExprKind::SelfRef);
    assert_eq!(expr("null").kind, ExprKind::Null);
    assert_eq!(expr("true").kind, ExprKind::Bool(true));
}

#[test]
fn record_entries_in_every_form() {
    let text = "let x = {\n  a = 1\n  \"x.io/name\" = \"v\", nested { b = 2 }; ...base\n  let t = 3\n  type = t\n}";
    let file = parse_ok(text);
    let ExprKind::Record(entries) = &let_value(&file).kind else {
        panic!("not a record");
    };
    assert_eq!(entries.len(), 6);
    let RecordEntryKind::Field { key, .. } = &entries[1].kind else {
        panic!("not a field");
    };
    assert!(matches!(key, Key::Str(s, _) if s == "x.io/name"));
    assert_eq!(slice(text, key.span()), "\"x.io/name\"");
    let RecordEntryKind::Field { key, value } = &entries[2].kind else {
        panic!("not a field");
    };
    assert_eq!(key.name(), "nested");
    assert_eq!(slice(text, entries[2].span), "nested { b = 2 }");
    assert!(matches!(value.kind, ExprKind::Record(ref inner) if inner.len() == 1));
    assert!(matches!(entries[3].kind, RecordEntryKind::Spread(_)));
    assert_eq!(slice(text, entries[3].span), "...base");
    assert!(matches!(&entries[4].kind, RecordEntryKind::Let { name, .. } if name.name == "t"));
    assert!(matches!(&entries[5].kind, RecordEntryKind::Field { key, .. } if key.name() == "type"));
}

#[test]
fn a_column_zero_item_always_starts_an_item_but_indented_lines_continue() {
    // An indented `let` continues the function body as a `let ... in` expression.
    let file = parse_ok("fn f() =\n  let y = 1 in y\nlet z = 2\n");
    assert_eq!(file.items.len(), 2);
    let ItemKind::Fn(def) = &file.items[0].kind else {
        panic!("not a fn");
    };
    assert!(matches!(def.body.kind, ExprKind::Let { .. }));
    // A declaration without a body is followed by the next one, even on one line.
    let file = parse_ok("tag a tag b\nhost c");
    assert_eq!(file.items.len(), 3);
}
