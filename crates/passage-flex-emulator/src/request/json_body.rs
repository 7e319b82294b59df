//! JSON request bodies, read by hand so that each refusal names the field at fault.

use serde_json::{Map, Value};

use crate::api_error::Failure;

/// A request body that must be one JSON object.
pub(crate) struct JsonObject(Map<String, Value>);

impl JsonObject {
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, Failure> {
        match serde_json::from_slice(bytes) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(_) => Err(Failure::invalid_request(
                "the request body must be a JSON object",
            )),
            Err(err) => Err(Failure::invalid_request(format!(
                "the request body is not valid JSON: {err}"
            ))),
        }
    }

    /// Like [`JsonObject::parse`], but an empty body counts as `{}`.
    pub(crate) fn parse_optional(bytes: &[u8]) -> Result<Self, Failure> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(Map::new()));
        }
        Self::parse(bytes)
    }

    /// A string field that must be present and not empty.
    pub(crate) fn required_string(&self, field: &str) -> Result<&str, Failure> {
        match self.optional_string(field)? {
            None => Err(Failure::invalid_request(format!("{field} is required"))),
            Some("") => Err(Failure::invalid_request(format!(
                "{field} must not be empty"
            ))),
            Some(value) => Ok(value),
        }
    }

    pub(crate) fn optional_string(&self, field: &str) -> Result<Option<&str>, Failure> {
        match self.0.get(field) {
            None => Ok(None),
            Some(Value::String(value)) => Ok(Some(value)),
            Some(_) => Err(Failure::invalid_request(format!(
                "{field} must be a string"
            ))),
        }
    }

    pub(crate) fn optional_object(
        &self,
        field: &str,
    ) -> Result<Option<&Map<String, Value>>, Failure> {
        match self.0.get(field) {
            None => Ok(None),
            Some(Value::Object(value)) => Ok(Some(value)),
            Some(_) => Err(Failure::invalid_request(format!(
                "{field} must be a JSON object"
            ))),
        }
    }
}
