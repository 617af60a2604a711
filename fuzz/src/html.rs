//! A strict reader of the HTML that ammonia writes (html5ever's serialiser), to check sanitised
//! output by its structure rather than by substrings: the text "onclick=" in a paragraph is
//! harmless, the attribute is not.

/// One start tag with its attributes (values decoded).
#[derive(Debug)]
pub struct Tag {
    pub name: String,
    pub attributes: Vec<(String, String)>,
}

/// The start tags of `html`, or why it is not the serialiser's well-formed output.
pub fn start_tags(html: &str) -> Result<Vec<Tag>, String> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {}
            b'>' => return Err(format!("a bare '>' in text at byte {i}")),
            _ => {
                i += 1;
                continue;
            }
        }
        i += 1;
        if bytes.get(i) == Some(&b'/') {
            // An end tag: a name, then '>'.
            i += 1;
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if i == start || bytes.get(i) != Some(&b'>') {
                return Err(format!("a malformed end tag at byte {start}"));
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i == start {
            return Err(format!(
                "a '<' that starts no tag at byte {}: {:?}",
                start - 1,
                &html[start - 1..html.len().min(start + 20)]
            ));
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attributes = Vec::new();
        loop {
            while i < bytes.len() && bytes[i] == b' ' {
                i += 1;
            }
            match bytes.get(i) {
                None => return Err(format!("tag <{name}> is not closed")),
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(b'/') if bytes.get(i + 1) == Some(&b'>') => {
                    i += 2;
                    break;
                }
                _ => {}
            }
            let attr_start = i;
            while i < bytes.len() && !matches!(bytes[i], b'=' | b' ' | b'>' | b'/' | b'"') {
                i += 1;
            }
            let attr = html[attr_start..i].to_ascii_lowercase();
            if attr.is_empty() {
                return Err(format!("an odd character in tag <{name}> at byte {i}"));
            }
            let mut value = String::new();
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                if bytes.get(i) != Some(&b'"') {
                    return Err(format!("unquoted value of {attr} in <{name}>"));
                }
                i += 1;
                let value_start = i;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += 1;
                }
                if i == bytes.len() {
                    return Err(format!("unterminated value of {attr} in <{name}>"));
                }
                value = decode_entities(&html[value_start..i]);
                i += 1;
            }
            attributes.push((attr, value));
        }
        tags.push(Tag { name, attributes });
    }
    Ok(tags)
}

/// Decodes the character references a browser would decode in an attribute value.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .map_or(rest.len(), |e| e + 1);
        let name = &rest[1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            "colon" => Some(':'),
            "tab" => Some('\t'),
            "newline" => Some('\n'),
            _ if name.starts_with("#x") || name.starts_with("#X") => {
                u32::from_str_radix(&name[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end..];
                if rest.starts_with(';') {
                    rest = &rest[1..];
                }
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The scheme of a URL as a browser would read it (tabs and new lines removed anywhere,
/// leading white space and controls dropped), lower-cased; `None` for a relative URL.
pub fn url_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = cleaned.find(':')?;
    let scheme = &cleaned[..colon];
    let first = scheme.chars().next()?;
    if first.is_ascii_alphabetic()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        Some(scheme.to_ascii_lowercase())
    } else {
        None
    }
}
