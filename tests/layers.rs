//! The layers are one-way (ARCHITECTURE.md): `web` → `app` → (`domain`, `store`, `mail`). This
//! test reads the sources and fails when a lower layer names a higher one: `domain` any of
//! `store`, `web`, `app`, `mail`; `store` any of `app`, `web`, `mail`; `mail` `app` or `web`.
//!
//! It reads paths, not meaning: `crate::x` (also inside `use crate::{…}` groups) and `super::`
//! chains that climb out of the layer, in code outside comments and literals. It needs no
//! database and runs with a plain `cargo test`.

use std::path::{Path, PathBuf};

/// Each layer, and the top-level modules it must never name.
const RULES: &[(&str, &[&str])] = &[
    ("domain", &["store", "web", "app", "mail"]),
    ("store", &["app", "web", "mail"]),
    ("mail", &["app", "web"]),
];

#[test]
fn lower_layers_never_name_higher_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).expect("under src");
        let module = module_path(relative);
        let Some((layer, forbidden)) = RULES
            .iter()
            .find(|(layer, _)| module.first().map(String::as_str) == Some(*layer))
        else {
            continue;
        };
        checked += 1;
        let source = std::fs::read_to_string(&file).expect("a readable source file");
        for (top, line) in references(&module, &source) {
            if forbidden.contains(&top.as_str()) {
                broken.push(format!(
                    "src/{}:{line}: `{layer}` names `{top}`",
                    relative.display()
                ));
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} files of the lower layers were found"
    );
    assert!(
        broken.is_empty(),
        "layers must import one way only (see ARCHITECTURE.md):\n{}",
        broken.join("\n")
    );
}

/// What of the store `web` may name: the pool it hands to use cases, and the connection type
/// a use case takes. It calls no store function and reads no row type: that is what `app` is
/// for.
const WEB_MAY_NAME_OF_STORE: &[&str] = &["DbConnection", "Pool"];

#[test]
fn web_names_the_store_only_for_the_pool_it_hands_to_use_cases() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in rust_files(&src.join("web")) {
        checked += 1;
        let source = std::fs::read_to_string(&file).expect("a readable source file");
        for (name, line) in store_items(&source) {
            if !WEB_MAY_NAME_OF_STORE.contains(&name.as_str()) {
                let relative = file.strip_prefix(&src).expect("under src");
                broken.push(format!(
                    "src/{}:{line}: `web` names `store::{name}`",
                    relative.display()
                ));
            }
        }
    }
    assert!(checked > 20, "only {checked} files of web were found");
    assert!(
        broken.is_empty(),
        "web goes through a use case of app, never the store (see ARCHITECTURE.md):\n{}",
        broken.join("\n")
    );
}

/// What the code names under a `store::` path, each with its line: `store::x::y` gives `x`,
/// `store::{x, y::z}` gives `x` and `y`.
fn store_items(source: &str) -> Vec<(String, usize)> {
    let tokens = tokens(source);
    let mut found = Vec::new();
    for (i, window) in tokens.windows(2).enumerate() {
        let [(Token::Ident(name), line), (Token::PathSep, _)] = window else {
            continue;
        };
        if name != "store" {
            continue;
        }
        match tokens.get(i + 2) {
            Some((Token::Ident(item), _)) => found.push((item.clone(), *line)),
            Some((Token::Open, _)) => {
                let mut depth = 0;
                let mut expect_item = true;
                for (token, at) in &tokens[i + 2..] {
                    match token {
                        Token::Open => {
                            depth += 1;
                            expect_item = depth == 1;
                        }
                        Token::Close => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        Token::Comma if depth == 1 => expect_item = true,
                        Token::Ident(item) if depth == 1 && expect_item => {
                            found.push((item.clone(), *at));
                            expect_item = false;
                        }
                        _ => {}
                    }
                }
            }
            _ => found.push((String::new(), *line)),
        }
    }
    found
}

#[test]
fn the_store_check_sees_every_way_of_naming_an_item() {
    let names = |source: &str| -> Vec<String> {
        store_items(source)
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    };
    assert_eq!(
        names("use crate::store::{DbConnection, Pool};"),
        ["DbConnection", "Pool"]
    );
    assert_eq!(
        names("let x = crate::store::jury::find(conn, id);"),
        ["jury"]
    );
    assert_eq!(
        names("use crate::store::{self, ideas::Idea};"),
        ["self", "ideas"]
    );
    assert_eq!(
        names("// crate::store::jury::find\nlet s = \"store::x\";"),
        Vec::<String>::new()
    );
}

/// The checker itself finds what it must, and nothing else.
#[test]
fn the_checker_sees_every_way_of_naming_a_module() {
    let store_file = module_path(Path::new("store/contests.rs"));
    let store_root = module_path(Path::new("store/mod.rs"));
    let tops = |module: &[String], source: &str| -> Vec<String> {
        references(module, source)
            .into_iter()
            .map(|(top, _)| top)
            .collect()
    };
    assert_eq!(tops(&store_file, "use crate::app::Ctx;"), ["app"]);
    assert_eq!(tops(&store_file, "fn f() { crate::web::x(); }"), ["web"]);
    assert_eq!(
        tops(
            &store_file,
            "use crate::{\n    domain::x,\n    mail::{self, y},\n};"
        ),
        ["domain", "mail"]
    );
    assert_eq!(tops(&store_file, "use super::super::app::Ctx;"), ["app"]);
    assert_eq!(
        tops(&store_file, "use super::super::{app, domain};"),
        ["app", "domain"]
    );
    assert_eq!(tops(&store_root, "use super::app;"), ["app"]);
    assert_eq!(tops(&store_file, "use super::DbConnection;"), ["store"]);
    assert_eq!(
        tops(
            &store_file,
            "macro_rules! m { () => { $crate::web::x() }; }"
        ),
        ["web"]
    );
    assert!(
        tops(
            &store_file,
            "// crate::app::x\n/* crate::web */ pub(crate) fn f() -> &'static str { \"crate::app\" }\n\
             fn g<'a>(c: char) -> bool { c == '\"' || c == '{' || c == '\\'' }",
        )
        .is_empty()
    );
    assert_eq!(
        module_path(Path::new("domain/award/sheet.rs")),
        ["domain", "award", "sheet"]
    );
    assert!(module_path(Path::new("lib.rs")).is_empty());
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a readable folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The module a file under `src/` defines: `store/mod.rs` is `store`, `domain/award/sheet.rs`
/// is `domain::award::sheet`, `lib.rs` the crate root.
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if !matches!(stem, "mod" | "lib" | "main") {
            parts.push(stem.to_owned());
        }
    }
    parts
}

#[derive(Debug, PartialEq)]
enum Token {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Other,
}

/// The code's tokens with their line, comments and literals left out.
fn tokens(source: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
            }
        } else if c == 'r'
            && (at(i + 1) == '"' || (at(i + 1) == '#' && matches!(at(i + 2), '#' | '"')))
        {
            // A raw string: r"…", r#"…"#, …
            let mut j = i + 1;
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|k| at(j + 1 + k) == '#') {
                    j += 1 + hashes;
                    break;
                }
                line += usize::from(chars[j] == '\n');
                j += 1;
            }
            i = j;
            out.push((Token::Other, line));
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                line += usize::from(at(i) == '\n');
                i += 1;
            }
            i += 1;
            out.push((Token::Other, line));
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1F600}'), or a lifetime ('a, 'static).
            if at(i + 1) == '\\' {
                // The escaped character itself may be a quote: '\''.
                i += 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
                while at(i).is_alphanumeric() || at(i) == '_' {
                    i += 1;
                }
            }
            out.push((Token::Other, line));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while at(i).is_alphanumeric() || at(i) == '_' {
                i += 1;
            }
            out.push((Token::Ident(chars[start..i].iter().collect()), line));
        } else if c == ':' && at(i + 1) == ':' {
            out.push((Token::PathSep, line));
            i += 2;
        } else {
            out.push((
                match c {
                    '{' => Token::Open,
                    '}' => Token::Close,
                    ',' => Token::Comma,
                    _ => Token::Other,
                },
                line,
            ));
            i += 1;
        }
    }
    out
}

/// The top-level modules that the code of `module` names by path, each with its line:
/// `crate::x…`, `use crate::{x…, y…}`, and `super::…` resolved from `module` (an inline module
/// is taken as its file's, which can only over-report).
fn references(module: &[String], source: &str) -> Vec<(String, usize)> {
    let tokens = tokens(source);
    let ident = |i: usize| match tokens.get(i) {
        Some((Token::Ident(name), _)) => Some(name.as_str()),
        _ => None,
    };
    let sep = |i: usize| matches!(tokens.get(i), Some((Token::PathSep, _)));
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let line = tokens[i].1;
        let base: Option<(Vec<String>, usize)> = match ident(i) {
            Some("crate") if sep(i + 1) => Some((Vec::new(), i + 2)),
            // Only the first `super` of a chain starts a path.
            Some("super") if sep(i + 1) && !(i >= 1 && sep(i - 1)) => {
                let mut j = i;
                let mut up = 0;
                while ident(j) == Some("super") && sep(j + 1) {
                    up += 1;
                    j += 2;
                }
                Some((module[..module.len().saturating_sub(up)].to_vec(), j))
            }
            _ => None,
        };
        let Some((base, next)) = base else {
            i += 1;
            continue;
        };
        if let Some(top) = base.first() {
            found.push((top.clone(), line));
        } else if let Some(name) = ident(next) {
            found.push((name.to_owned(), line));
        } else if matches!(tokens.get(next), Some((Token::Open, _))) {
            // A group: the first name of each item at its own level.
            let mut depth = 0;
            let mut expect_name = true;
            let mut j = next;
            while let Some((token, line)) = tokens.get(j) {
                match token {
                    Token::Open => {
                        depth += 1;
                        expect_name = depth == 1;
                    }
                    Token::Close => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    Token::Comma if depth == 1 => expect_name = true,
                    Token::Ident(name) if expect_name && depth == 1 => {
                        found.push((name.clone(), *line));
                        expect_name = false;
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        i = next;
    }
    found
}
