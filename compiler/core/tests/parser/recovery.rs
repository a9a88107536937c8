//! Error messages and recovery: one diagnostic per mistake, the rest of the tree kept.

use super::*;
#[test]
fn three_unrelated_errors_give_three_diagnostics_and_keep_the_good_items() {
    let text = "tag a { owners = [autogroup.admin, , tag.b] }\n\
                tag good_one { owners = [] }\n\
                grant g { src = [tag.a] dst = [tag.b 5] }\n\
                tag good_two {}\n\
                let x = 1 +\n\
                let good_three = 2\n";
    let (file, diagnostics) = parse(text);
    assert_eq!(
        codes(&diagnostics),
        ["B0001", "B0001", "B0001"],
        "{}",
        render(text, &diagnostics)
    );
    let names: Vec<String> = file
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ItemKind::Decl(d) => Some(d.name.name.clone()),
            ItemKind::Let(l) => Some(l.name.name.clone()),
            _ => None,
        })
        .collect();
    for good in ["a", "good_one", "g", "good_two", "x", "good_three"] {
        assert!(
            names.iter().any(|n| n == good),
            "{good} is missing from {names:?}"
        );
    }
    assert_eq!(diagnostics[0].message, "expected an expression, found ','");
    assert_eq!(diagnostics[0].primary.message, "expected an expression");
    assert_eq!(
        diagnostics[2].message,
        "expected an expression, found keyword 'let'"
    );
    // The broken element became an error node; its siblings survive.
    let ItemKind::Decl(a) = &file.items[0].kind else {
        panic!("not a declaration");
    };
    let Some(ExprKind::Record(entries)) = a.body.as_ref().map(|b| &b.kind) else {
        panic!("no body");
    };
    let RecordEntryKind::Field { value, .. } = &entries[0].kind else {
        panic!("not a field");
    };
    let ExprKind::List(elements) = &value.kind else {
        panic!("not a list");
    };
    assert_eq!(elements.len(), 3);
    assert_eq!(elements[1].kind, ExprKind::Error);
}

#[test]
fn a_broken_entry_keeps_its_siblings() {
    let text = "host x {\n  user = \"alice\"\n  vars = = 3\n  become = true\n}";
    let (file, diagnostics) = parse(text);
    assert_eq!(codes(&diagnostics), ["B0001"]);
    assert_eq!(diagnostics[0].message, "expected an expression, found '='");
    let ItemKind::Decl(decl) = &file.items[0].kind else {
        panic!("not a declaration");
    };
    let Some(ExprKind::Record(entries)) = decl.body.as_ref().map(|b| &b.kind) else {
        panic!("no body");
    };
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| match &e.kind {
            RecordEntryKind::Field { key, .. } => key.name(),
            RecordEntryKind::Error => "<error>",
            _ => "<other>",
        })
        .collect();
    assert_eq!(kinds, ["user", "<error>", "become"]);
}

#[test]
fn messages_name_the_found_token() {
    let (_, diagnostics) = parse("let x = }");
    // A stray closer is reported by itself, once.
    assert_eq!(codes(&diagnostics), ["B0001"]);
    assert_eq!(diagnostics[0].message, "unexpected '}'");
    let (_, diagnostics) = parse("let x = [1, }");
    assert_eq!(codes(&diagnostics), ["B0001"]);
    assert_eq!(diagnostics[0].message, "expected ']', found '}'");
    let (_, diagnostics) = parse("tag a { b = }");
    assert_eq!(codes(&diagnostics), ["B0001"]);
    assert_eq!(diagnostics[0].message, "expected an expression, found '}'");
    let (_, diagnostics) = parse("let x =");
    assert_eq!(
        diagnostics[0].message,
        "expected an expression, found the end of the file"
    );
}

#[test]
fn an_unclosed_delimiter_points_at_its_opener() {
    let text = "tag a {\n  owners = [x, y\n  other = 1\n}\ntag b {}\n";
    let (file, diagnostics) = parse(text);
    assert_eq!(codes(&diagnostics), ["B0005"]);
    assert_eq!(diagnostics[0].primary.span.start, 19);
    assert_eq!(slice(text, diagnostics[0].primary.span), "[");
    assert_eq!(diagnostics[0].message, "unclosed '['");
    assert_eq!(file.items.len(), 2);
    // The list closes before the next entry, which is kept.
    let ItemKind::Decl(decl) = &file.items[0].kind else {
        panic!("not a declaration");
    };
    let Some(ExprKind::Record(entries)) = decl.body.as_ref().map(|b| &b.kind) else {
        panic!("no body");
    };
    assert_eq!(entries.len(), 2);

    // At the end of the file, the brace closes before the next item in column 0.
    let text = "app b {\n  a = 1\n\ntag c { }\n";
    let (file, diagnostics) = parse(text);
    assert_eq!(codes(&diagnostics), ["B0005"]);
    assert_eq!(slice(text, diagnostics[0].primary.span), "{");
    assert_eq!(file.items.len(), 2);
}

#[test]
fn a_mismatched_closer_is_one_error() {
    let text = "let a = foo(1]\nlet b = 2";
    let (file, diagnostics) = parse(text);
    assert_eq!(codes(&diagnostics), ["B0001"]);
    assert_eq!(diagnostics[0].message, "expected ')', found ']'");
    assert_eq!(diagnostics[0].secondary.len(), 1);
    assert_eq!(file.items.len(), 2);
}

#[test]
fn a_missing_value_before_the_next_item_is_reported_there() {
    let text = "let a = 1 +\nlet b = 2\n";
    let (file, diagnostics) = parse(text);
    assert_eq!(codes(&diagnostics), ["B0001"]);
    assert_eq!(slice(text, diagnostics[0].primary.span), "let");
    assert_eq!(diagnostics[0].primary.span.start, 12);
    assert!(file
        .items
        .iter()
        .any(|i| matches!(&i.kind, ItemKind::Let(l) if l.name.name == "b")));
}

#[test]
fn attributes_belong_to_the_next_item_and_recover_alone() {
    let text = "/// Kept.\n\
                @allow(B3053, \"reason\")\n\
                @allow(B3053 \"no comma\")\n\
                group a {}\n\
                let web = tag.server\n\
                @allow(B3109, \"after an expression\")\n\
                tag b\n\
                let port = tag.server\n  @ 443\n";
    let (file, diagnostics) = parse(text);
    assert_eq!(
        codes(&diagnostics),
        ["B0001"],
        "{}",
        render(text, &diagnostics)
    );
    let items: Vec<(usize, &ItemKind)> = file
        .items
        .iter()
        .map(|item| (item.attributes.len(), &item.kind))
        .collect();
    assert_eq!(items.len(), 4, "{items:?}");
    let group = &file.items[0];
    assert_eq!(group.attributes.len(), 2);
    assert_eq!(group.doc.as_ref().map(|d| d.text.as_str()), Some("Kept."));
    // The item's span starts after its attributes.
    assert_eq!(slice(text, group.span), "group a {}");
    // The broken argument list is one error node; the attribute is kept.
    let broken = group.attributes[1].args.as_ref().unwrap();
    assert!(matches!(broken.last().unwrap().kind, ExprKind::Error));
    // `@allow` in column 0 ends the `let`; an indented `@ 443` continues it.
    assert_eq!(slice(text, file.items[1].span), "let web = tag.server");
    assert_eq!(file.items[2].attributes.len(), 1);
    assert!(matches!(
        &file.items[3].kind,
        ItemKind::Let(def) if matches!(def.value.kind, ExprKind::Binary { .. })
    ));
}
