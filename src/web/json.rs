//! The API's JSON bodies: objects only.
//!
//! serde reads a struct from a JSON array too, in field order (`[null, "x"]` for
//! `{a, b}`), so `web::Json<Struct>` would accept a body no client means and API.md does not
//! describe (schemathesis found `[null, null]` taken as a funding confirmation). [`Json`] is
//! `web::Json` (the same size limit, content type check and error answers, from the app's
//! `JsonConfig`) that refuses anything but an object with 400 `bad_request`.

use std::fmt;
use std::marker::PhantomData;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures_util::future::LocalBoxFuture;
use serde::de::{
    self, Deserialize, Deserializer, MapAccess, Visitor, value::MapAccessDeserializer,
};

/// A JSON object body read into `T`.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: de::DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = web::Json::<Object<T>>::from_request(req, payload);
        Box::pin(async move { Ok(Json(body.await?.into_inner().0)) })
    }
}

/// `T`, read from a JSON object and nothing else.
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }
        deserializer
            .deserialize_map(ObjectVisitor(PhantomData))
            .map(Object)
    }
}

#[cfg(test)]
mod tests {
    use super::Object;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Pair {
        a: Option<u8>,
        #[serde(default)]
        b: String,
    }

    fn read(json: &str) -> Result<Pair, serde_json::Error> {
        serde_json::from_str::<Object<Pair>>(json).map(|o| o.0)
    }

    #[test]
    fn objects_are_read_as_before_and_nothing_else_is() {
        assert_eq!(
            read(r#"{"a": 1, "b": "x"}"#).unwrap(),
            Pair {
                a: Some(1),
                b: "x".into()
            }
        );
        assert_eq!(
            read("{}").unwrap(),
            Pair {
                a: None,
                b: String::new()
            }
        );
        // What serde alone would take: a struct from an array, in field order.
        assert!(serde_json::from_str::<Pair>(r#"[null, "x"]"#).is_ok());
        for bad in [r#"[null, "x"]"#, "[]", "null", "1", r#""a""#, "true"] {
            let error = read(bad).unwrap_err().to_string();
            assert!(error.contains("a JSON object"), "{bad}: {error}");
        }
        // Unknown fields are still refused, errors still name the field.
        assert!(
            read(r#"{"c": 1}"#)
                .unwrap_err()
                .to_string()
                .contains("unknown field")
        );
        assert!(
            read(r#"{"a": "x"}"#)
                .unwrap_err()
                .to_string()
                .contains("invalid type")
        );
    }
}
