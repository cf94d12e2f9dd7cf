//! Reading members out of a JSON-protocol request body, with SQS's errors for missing or
//! mistyped members.

use serde_json::{Map, Value};

use crate::error::{SqsError, SqsResult};

/// A request body (`{"QueueUrl": ..., ...}`).
pub struct Req(pub Map<String, Value>);

impl Req {
    pub fn parse(body: &[u8]) -> SqsResult<Req> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Req(Map::new()));
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => Ok(Req(m)),
            Ok(_) => Err(SqsError::malformed(
                "The request body must be a JSON object.",
            )),
            Err(e) => Err(SqsError::malformed(format!(
                "The request body is not valid JSON: {e}"
            ))),
        }
    }

    pub fn opt_str(&self, name: &str) -> SqsResult<Option<&str>> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(SqsError::invalid_parameter(format!(
                "{name} must be a string."
            ))),
        }
    }

    pub fn str(&self, name: &str) -> SqsResult<&str> {
        self.opt_str(name)?
            .ok_or_else(|| SqsError::missing_parameter(name))
    }

    pub fn opt_i64(&self, name: &str) -> SqsResult<Option<i64>> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| SqsError::invalid_parameter(format!("{name} must be an integer."))),
            Some(Value::String(s)) => s
                .parse()
                .map(Some)
                .map_err(|_| SqsError::invalid_parameter(format!("{name} must be an integer."))),
            Some(_) => Err(SqsError::invalid_parameter(format!(
                "{name} must be an integer."
            ))),
        }
    }

    /// A string→string map member (`Attributes`, `Tags`).
    pub fn str_map(&self, name: &str) -> SqsResult<Vec<(String, String)>> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(vec![]),
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k.clone(), s.clone())),
                    _ => Err(SqsError::invalid_attribute_value(format!(
                        "The value of {k} must be a string."
                    ))),
                })
                .collect(),
            Some(_) => Err(SqsError::invalid_parameter(format!(
                "{name} must be a map."
            ))),
        }
    }

    /// A list-of-strings member.
    pub fn str_list(&self, name: &str) -> SqsResult<Vec<String>> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(vec![]),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| {
                    v.as_str().map(str::to_string).ok_or_else(|| {
                        SqsError::invalid_parameter(format!("{name} must list strings."))
                    })
                })
                .collect(),
            Some(_) => Err(SqsError::invalid_parameter(format!(
                "{name} must be a list."
            ))),
        }
    }

    /// A list-of-objects member (batch entries).
    pub fn entries(&self, name: &str) -> SqsResult<Vec<Req>> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(vec![]),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| match v {
                    Value::Object(m) => Ok(Req(m.clone())),
                    _ => Err(SqsError::invalid_parameter(format!(
                        "Each entry of {name} must be an object."
                    ))),
                })
                .collect(),
            Some(_) => Err(SqsError::invalid_parameter(format!(
                "{name} must be a list."
            ))),
        }
    }

    pub fn value(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }
}
