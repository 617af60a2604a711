//! The Markdown renderer and sanitiser: `concours::markdown::to_safe_html`.

use arbitrary::{Result, Unstructured};

use crate::html::{start_tags, url_scheme};

/// Elements that must never reach a page: they run code, load content or restyle it.
const FORBIDDEN_TAGS: &[&str] = &[
    "script",
    "img",
    "iframe",
    "frame",
    "frameset",
    "style",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "link",
    "meta",
    "base",
    "noscript",
    "template",
    "video",
    "audio",
    "source",
    "picture",
    "image",
    "xmp",
    "plaintext",
    "title",
];

/// Attributes whose value is a URL.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "cite",
    "action",
    "formaction",
    "poster",
    "background",
    "longdesc",
    "data",
    "xlink:href",
    "ping",
    "manifest",
    "codebase",
    "srcset",
];

/// Checks the safe HTML of `source`.
pub fn check(source: &str) {
    check_html(&concours::markdown::to_safe_html(source));
}

/// The promises of sanitised HTML.
pub fn check_html(html: &str) {
    // What must never appear at all, not even as a substring: those are the checks the unit
    // tests and reviewers rely on. Text and attribute values escape '<', so these can only
    // be tags.
    let lower = html.to_ascii_lowercase();
    for needle in ["<script", "<img", "<iframe", "<style", "<svg", "<!--"] {
        assert!(
            !lower.contains(needle),
            "output contains {needle:?}: {html}"
        );
    }

    // Then the structure: every tag and attribute.
    let tags = match start_tags(html) {
        Ok(tags) => tags,
        Err(why) => panic!("unexpected HTML ({why}): {html}"),
    };
    for tag in &tags {
        assert!(
            !FORBIDDEN_TAGS.contains(&tag.name.as_str()),
            "forbidden element <{}> in {html}",
            tag.name
        );
        for (name, value) in &tag.attributes {
            assert!(
                !name.starts_with("on"),
                "event handler {name} on <{}>: {html}",
                tag.name
            );
            assert!(
                !matches!(
                    name.as_str(),
                    "style" | "srcset" | "formaction" | "xmlns" | "http-equiv"
                ),
                "attribute {name} on <{}>: {html}",
                tag.name
            );
            if URL_ATTRIBUTES.contains(&name.as_str())
                && let Some(scheme) = url_scheme(value)
            {
                assert!(
                    !matches!(scheme.as_str(), "javascript" | "vbscript" | "data" | "file"),
                    "{scheme}: URL in {name} of <{}>: {html}",
                    tag.name
                );
            }
        }
        if tag.name == "a" {
            let rel = tag
                .attributes
                .iter()
                .find(|(name, _)| name == "rel")
                .map(|(_, v)| v.as_str());
            assert_eq!(
                rel,
                Some("noopener noreferrer nofollow ugc"),
                "a link without rel: {html}"
            );
        }
    }
}

/// Pieces of Markdown and HTML that attacks are made of, for the structured mode.
const FRAGMENTS: &[&str] = &[
    "<script>alert(1)</script>",
    "<script",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<img",
    " src=",
    " onerror=",
    " onclick=\"alert(1)\"",
    " style=\"color:red\"",
    "javascript:alert(1)",
    "JaVaScRiPt:",
    "java\tscript:",
    "&#106;avascript:",
    "&#x6A;avascript&colon;",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "[x](",
    "![y](",
    "](",
    ")",
    "[ref]",
    "[ref]: ",
    "\n[ref]: javascript:alert(1)\n",
    "<javascript:alert(1)>",
    "<https://example.org/>",
    "<a href=\"",
    "<a href=",
    "\">",
    ">",
    "<",
    "</",
    "\"",
    "'",
    "`",
    "``",
    "```\n",
    "~~~\n",
    "\n",
    "\n\n",
    "    ",
    "> ",
    "- ",
    "1. ",
    "- [ ] ",
    "- [x] ",
    "| a | b |\n|---|---|\n| ",
    " | ",
    "~~",
    "**",
    "_",
    "\\",
    "&",
    "&amp;",
    "&lt;",
    "&quot;",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<?xml ?>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<svg onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>*{}</style>",
    "<div ",
    "<p ",
    "<span ",
    "<abbr title=\"",
    "<details open ontoggle=alert(1)>",
    "<form action=javascript:alert(1)><button>",
    "<object data=\"javascript:alert(1)\">",
    "<embed src=\"javascript:alert(1)\">",
    "<base href=\"javascript:/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<textarea>",
    "<title>",
    "<xmp>",
    "<plaintext>",
    "<area href=\"javascript:alert(1)\">",
    "<a href=\"javascript&colon;alert(1)\">",
    "<table><tr><td>",
    "<select><template><style>",
    "#",
    "# ",
    "---\n",
    "===\n",
    "\u{0}",
    "\u{a0}",
    "\u{feff}",
    "\r\n",
    "\t",
];

/// A Markdown text assembled from attack fragments and arbitrary text.
pub fn generate(u: &mut Unstructured<'_>) -> Result<String> {
    let mut out = String::new();
    let n = u.int_in_range(1..=40)?;
    for _ in 0..n {
        if u.ratio(3, 4)? {
            out.push_str(u.choose(FRAGMENTS)?);
        } else {
            let text: &str = u.arbitrary()?;
            out.push_str(text);
        }
    }
    Ok(out)
}
