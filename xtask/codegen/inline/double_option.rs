//! A field that may be absent, `null`, or a value, kept apart as `Option<Option<T>>`.
//!
//! Written and tested in `xtask/codegen/inline/`; the generator copies this file unchanged into
//! the generated crate as `src/double_option.rs`. `model.mustache` names it in the
//! `#[serde(with = ...)]` of every optional, nullable field (AppInfo's `secret`, say), next to
//! `default` (absent is `None`) and `skip_serializing_if = "Option::is_none"` (`None` is not
//! written). The generator's own template names `serde_with::rust::double_option`, which does the
//! same but makes every build compile serde_with, its proc macro and darling.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `null` is `Some(None)`, a value `Some(Some(value))`. An absent field never reaches this: serde
/// fills it with `default`.
pub(crate) fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `Some(None)` is written as `null`, `Some(Some(value))` as the value. `None` is skipped by the
/// field's `skip_serializing_if`; written anyway, it is `null` too.
pub(crate) fn serialize<T, S>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error>
where
    T: Serialize,
    S: Serializer,
{
    match value {
        Some(inner) => inner.serialize(serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    /// A field declared the way `model.mustache` declares an optional, nullable one.
    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Model {
        #[serde(
            rename = "secret",
            default,
            with = "super",
            skip_serializing_if = "Option::is_none"
        )]
        secret: Option<Option<String>>,
    }

    fn read(json: &str) -> Model {
        match serde_json::from_str(json) {
            Ok(model) => model,
            Err(err) => panic!("{json}: {err}"),
        }
    }

    fn write(model: &Model) -> String {
        match serde_json::to_string(model) {
            Ok(json) => json,
            Err(err) => panic!("{model:?}: {err}"),
        }
    }

    #[test]
    fn absent_null_and_a_value_stay_apart() {
        assert_eq!(read("{}").secret, None);
        assert_eq!(read(r#"{"secret":null}"#).secret, Some(None));
        assert_eq!(read(r#"{"secret":"s3"}"#).secret, Some(Some("s3".into())));
    }

    #[test]
    fn each_is_written_back_as_it_was_read() {
        for json in ["{}", r#"{"secret":null}"#, r#"{"secret":"s3"}"#] {
            assert_eq!(write(&read(json)), json);
        }
    }

    #[test]
    fn a_value_of_the_wrong_type_is_refused() {
        assert!(serde_json::from_str::<Model>(r#"{"secret":42}"#).is_err());
        assert!(serde_json::from_str::<Model>(r#"{"secret":["s3"]}"#).is_err());
    }

    #[test]
    fn none_written_without_the_skip_is_null() {
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::new(&mut out);
        let written = super::serialize::<String, _>(&None, &mut serializer);
        assert!(written.is_ok());
        assert_eq!(out, b"null");
    }
}
