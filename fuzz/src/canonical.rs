//! Canonical JSON: `concours::domain::canonical::{to_string, hash, sha256_hex}`.

use arbitrary::{Result, Unstructured};
use concours::domain::canonical;
use serde_json::{Map, Number, Value};

/// The properties of the canonical text of `value`.
pub fn check(value: &Value) {
    let text = canonical::to_string(value);
    assert_eq!(canonical::to_string(value), text, "not deterministic");

    // Keys sorted by their UTF-8 bytes, no white space: what serde_json writes compactly for a
    // map ordered by `String`'s (byte-wise) order. serde_json is built without
    // `preserve_order`, so its maps are such maps.
    let expected = serde_json::to_string(value).expect("serialises");
    assert_eq!(
        text, expected,
        "canonical text differs from compact sorted JSON"
    );

    // Valid JSON, and canonical: parsing it and canonicalising again gives the same bytes.
    let parsed: Value = match serde_json::from_str(&text) {
        Ok(parsed) => parsed,
        Err(e) => panic!("canonical text is not JSON ({e}): {text:?}"),
    };
    if crate::ignored("float-roundtrip") && has_float(value) {
        return;
    }
    let again = canonical::to_string(&parsed);
    assert_eq!(
        again, text,
        "re-canonicalising the parsed canonical text changes it"
    );
    assert_eq!(&parsed, value, "the canonical text means another value");

    // The hash is SHA-256 of those bytes, in lower-case hex.
    let hash = canonical::hash(value);
    assert_eq!(hash, canonical::sha256_hex(text.as_bytes()));
    assert_eq!(hash.len(), 64);
    assert!(
        hash.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
}

fn has_float(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}

/// Any JSON value (floats, big integers, any Unicode), to `depth` levels.
pub fn value(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    let top = if depth == 0 { 5 } else { 7 };
    Ok(match u.int_in_range(0..=top)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::Number(if u.arbitrary()? {
            Number::from(u.arbitrary::<i64>()?)
        } else {
            Number::from(u.arbitrary::<u64>()?)
        }),
        3 => Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
        4 | 5 => Value::String(u.arbitrary()?),
        6 => {
            let n = u.int_in_range(0..=5)?;
            Value::Array((0..n).map(|_| value(u, depth - 1)).collect::<Result<_>>()?)
        }
        _ => {
            let n = u.int_in_range(0..=5)?;
            let mut map = Map::new();
            for _ in 0..n {
                map.insert(u.arbitrary()?, value(u, depth - 1)?);
            }
            Value::Object(map)
        }
    })
}
