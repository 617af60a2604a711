//! Canonical JSON: keys sorted by their UTF-8 bytes, no insignificant white space, UTF-8. The
//! same document always gives the same bytes, so its SHA-256 can be published as a commitment.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The canonical text of `value`. Numbers are written as serde_json writes them; the documents
/// Concours hashes hold integers only, never floats, so that the text is exact.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            out.push_str(&serde_json::to_string(value).expect("a scalar serialises"));
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(key).expect("a key serialises"));
                out.push(':');
                write(&map[key], out);
            }
            out.push('}');
        }
    }
}

/// SHA-256 of `bytes`, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// SHA-256 of the canonical text of `value`.
pub fn hash(value: &Value) -> String {
    sha256_hex(to_string(value).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_and_space_removed() {
        let value = json!({"b": 1, "a": {"d": [1, 2, {"z": null, "y": true}], "c": "é"}});
        assert_eq!(
            to_string(&value),
            r#"{"a":{"c":"é","d":[1,2,{"y":true,"z":null}]},"b":1}"#
        );
    }

    #[test]
    fn strings_are_escaped_as_json() {
        assert_eq!(to_string(&json!("a\"b\\c\n")), r#""a\"b\\c\n""#);
    }

    #[test]
    fn the_hash_is_sha256_of_the_text() {
        assert_eq!(
            hash(&json!({})),
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
    }

    fn arbitrary_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            ".{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(".{0,6}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn canonical_text_parses_back_to_the_same_value(value in arbitrary_json()) {
            let text = to_string(&value);
            let parsed: Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(&parsed, &value);
            prop_assert_eq!(to_string(&parsed), text);
        }
    }
}

#[cfg(test)]
mod float_tests {
    use super::*;

    /// Found by fuzzing: without exact float parsing, re-reading the canonical text of an
    /// extreme float gave another float, so the text was not a fixed point.
    #[test]
    fn extreme_floats_are_a_fixed_point() {
        for text in [
            "8.065892740002823e-308",
            "[1.7976931348623157e308]",
            "{\"a\":5e-324}",
        ] {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            let once = to_string(&value);
            let again = to_string(&serde_json::from_str::<serde_json::Value>(&once).unwrap());
            assert_eq!(once, again, "{text}");
        }
    }
}
