//! Fix before replay: a list of changes applied to each chosen message before it is moved or
//! redriven — set, remove or rename a JSON field of the body, find and replace in the body's
//! text, set or remove a message attribute — with a before/after preview. The move itself stays
//! send-then-delete (`redrive::move_selected`): the changed copy is sent, and the original is
//! deleted only once SQS acknowledged it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::message_send::{AttributeValue, OutgoingMessage};

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "op", rename_all = "snake_case")]
#[ts(export)]
pub enum Change {
    /// Sets a body field (`customer.tier`, `items[0].qty`); `value` is JSON (`"gold"`, `3`,
    /// `true`, `{…}`), or text when it does not read as JSON. Missing objects on the way are made.
    SetField {
        path: String,
        value: String,
    },
    RemoveField {
        path: String,
    },
    RenameField {
        from: String,
        to: String,
    },
    /// Replaces every occurrence of `find` in the body's text.
    Replace {
        find: String,
        with: String,
    },
    SetAttribute {
        name: String,
        data_type: String,
        value: String,
    },
    RemoveAttribute {
        name: String,
    },
}

/// Why a message could not be changed (it is then not moved: it stays where it is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransformError {
    #[error("its body is not JSON, so the field {0} cannot be changed")]
    NotJson(String),
    #[error("{0}")]
    BadPath(String),
    /// Text to replace is not in the body (as sent: compact JSON after a field change, not the
    /// preview's indented form).
    #[error("{0:?} is not in its body")]
    NotFound(String),
    #[error("{path} cannot be set: {why}")]
    Blocked { path: String, why: String },
}

/// A message to preview: its id and what would be sent.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct PreviewInput {
    pub message_id: String,
    pub message: OutgoingMessage,
}

/// One message before and after, for the preview.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Preview {
    pub message_id: String,
    pub before: String,
    pub after: String,
    pub attributes_before: Vec<AttributeValue>,
    pub attributes_after: Vec<AttributeValue>,
    /// Why this message cannot be changed (it would not be moved).
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn parse_path(path: &str) -> Result<Vec<Step>, TransformError> {
    let bad = |why: &str| TransformError::BadPath(format!("The field path {path:?} {why}."));
    let mut steps = Vec::new();
    for part in path.trim().split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() && (rest.is_empty() || steps.is_empty() && !rest.starts_with('[')) {
            return Err(bad("has an empty part"));
        }
        if !key.is_empty() {
            steps.push(Step::Key(key.to_string()));
        }
        while let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']').ok_or_else(|| bad("has a '[' without ']'"))?;
            let n = r[..close]
                .trim()
                .parse::<usize>()
                .map_err(|_| bad("needs a position (0, 1, …) between [ and ]"))?;
            steps.push(Step::Index(n));
            rest = &r[close + 1..];
        }
        if !rest.is_empty() {
            return Err(bad("has text after ']'"));
        }
    }
    if steps.is_empty() {
        return Err(bad("is empty"));
    }
    Ok(steps)
}

/// The value at `steps`, made on the way (objects for keys) when `create`.
fn walk<'a>(mut v: &'a mut Value, steps: &[Step], create: bool) -> Option<&'a mut Value> {
    for s in steps {
        v = match s {
            Step::Key(k) => {
                if create && v.is_null() {
                    *v = Value::Object(Default::default());
                }
                let m = v.as_object_mut()?;
                if create {
                    m.entry(k.clone()).or_insert(Value::Null)
                } else {
                    m.get_mut(k)?
                }
            }
            Step::Index(i) => v.as_array_mut()?.get_mut(*i)?,
        };
    }
    Some(v)
}

fn remove(root: &mut Value, steps: &[Step]) -> Option<Value> {
    let (last, parent) = steps.split_last()?;
    let p = walk(root, parent, false)?;
    match last {
        Step::Key(k) => p.as_object_mut()?.shift_remove(k),
        Step::Index(i) => {
            let a = p.as_array_mut()?;
            (*i < a.len()).then(|| a.remove(*i))
        }
    }
}

fn set(root: &mut Value, path: &str, steps: &[Step], value: Value) -> Result<(), TransformError> {
    let blocked = |why: &str| TransformError::Blocked {
        path: path.to_string(),
        why: why.to_string(),
    };
    let slot = walk(root, steps, true).ok_or_else(|| {
        blocked("a part of the way is not an object, or the position is past the end")
    })?;
    *slot = value;
    Ok(())
}

/// Applies the changes to one message. A change whose field is absent does nothing (remove,
/// rename); a change that cannot apply (a field of a body that is not JSON) is an error.
pub fn apply(changes: &[Change], msg: &OutgoingMessage) -> Result<OutgoingMessage, TransformError> {
    let mut out = msg.clone();
    let mut json: Option<Value> = None;
    // Text replacements and JSON edits apply in order: JSON is parsed when first needed and
    // written back before a text step.
    let flush = |json: &mut Option<Value>, body: &mut String| {
        if let Some(v) = json.take() {
            *body = v.to_string();
        }
    };
    for c in changes {
        let field_path = match c {
            Change::SetField { path, .. } | Change::RemoveField { path } => Some(path.clone()),
            Change::RenameField { from, .. } => Some(from.clone()),
            _ => None,
        };
        if let Some(p) = &field_path {
            if json.is_none() {
                json = Some(
                    serde_json::from_str(&out.body)
                        .map_err(|_| TransformError::NotJson(p.clone()))?,
                );
            }
        }
        let root = json.as_mut();
        match (c, root) {
            (Change::SetField { path, value }, Some(root)) => {
                let v =
                    serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.clone()));
                set(root, path, &parse_path(path)?, v)?;
            }
            (Change::RemoveField { path }, Some(root)) => {
                remove(root, &parse_path(path)?);
            }
            (Change::RenameField { from, to }, Some(root)) => {
                let to_steps = parse_path(to)?;
                if let Some(v) = remove(root, &parse_path(from)?) {
                    set(root, to, &to_steps, v)?;
                }
            }
            (Change::Replace { find, with }, _) => {
                flush(&mut json, &mut out.body);
                if !find.is_empty() {
                    if !out.body.contains(find.as_str()) {
                        return Err(TransformError::NotFound(find.clone()));
                    }
                    out.body = out.body.replace(find.as_str(), with);
                }
            }
            (
                Change::SetAttribute {
                    name,
                    data_type,
                    value,
                },
                _,
            ) => {
                let a = AttributeValue {
                    name: name.trim().to_string(),
                    data_type: data_type.trim().to_string(),
                    value: value.clone(),
                };
                match out.attributes.iter_mut().find(|x| x.name == a.name) {
                    Some(x) => *x = a,
                    None => out.attributes.push(a),
                }
            }
            (Change::RemoveAttribute { name }, _) => {
                out.attributes.retain(|a| a.name != name.trim())
            }
            (_, None) => unreachable!("JSON parsed above for field changes"),
        }
    }
    flush(&mut json, &mut out.body);
    Ok(out)
}

/// Before and after for each message (the preview shows the first few).
pub fn preview(changes: &[Change], messages: &[(String, OutgoingMessage)]) -> Vec<Preview> {
    messages
        .iter()
        .map(|(id, m)| {
            let r = apply(changes, m);
            let after = r.as_ref().unwrap_or(m);
            Preview {
                message_id: id.clone(),
                before: crate::body_format::pretty_json(&m.body).unwrap_or_else(|| m.body.clone()),
                after: crate::body_format::pretty_json(&after.body)
                    .unwrap_or_else(|| after.body.clone()),
                attributes_before: m.attributes.clone(),
                attributes_after: after.attributes.clone(),
                error: r.err().map(|e| e.to_string()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(body: &str) -> OutgoingMessage {
        OutgoingMessage {
            body: body.into(),
            attributes: vec![AttributeValue {
                name: "region".into(),
                data_type: "String".into(),
                value: "eu".into(),
            }],
            delay_s: None,
            group_id: None,
            dedup_id: None,
            trace_header: None,
        }
    }

    fn field(path: &str, value: &str) -> Change {
        Change::SetField {
            path: path.into(),
            value: value.into(),
        }
    }

    #[test]
    fn fields_are_set_removed_and_renamed_keeping_the_order() {
        let m = msg(
            r#"{"order_id":7,"status":"failed","customer":{"tier":"gold"},"items":[{"qty":0}]}"#,
        );
        let out = apply(
            &[
                field("status", "\"retry\""),
                field("items[0].qty", "1"),
                field("fix.by", "sqs-pilot"),
                Change::RemoveField {
                    path: "customer.tier".into(),
                },
                Change::RenameField {
                    from: "order_id".into(),
                    to: "id".into(),
                },
                Change::RemoveField {
                    path: "absent.field".into(),
                },
            ],
            &m,
        )
        .unwrap();
        assert_eq!(
            out.body,
            r#"{"status":"retry","customer":{},"items":[{"qty":1}],"fix":{"by":"sqs-pilot"},"id":7}"#
        );
    }

    #[test]
    fn text_and_attributes_change_and_json_steps_see_earlier_text_steps() {
        let m = msg(r#"{"url":"http://old.example/a"}"#);
        let out = apply(
            &[
                Change::Replace {
                    find: "old.example".into(),
                    with: "new.example".into(),
                },
                field("retried", "true"),
                Change::SetAttribute {
                    name: "fixed".into(),
                    data_type: "String".into(),
                    value: "yes".into(),
                },
                Change::SetAttribute {
                    name: "region".into(),
                    data_type: "String".into(),
                    value: "us".into(),
                },
                Change::RemoveAttribute {
                    name: "nope".into(),
                },
            ],
            &m,
        )
        .unwrap();
        assert_eq!(out.body, r#"{"url":"http://new.example/a","retried":true}"#);
        let attrs: Vec<(&str, &str)> = out
            .attributes
            .iter()
            .map(|a| (a.name.as_str(), a.value.as_str()))
            .collect();
        assert_eq!(attrs, [("region", "us"), ("fixed", "yes")]);
        let gone = apply(
            &[Change::RemoveAttribute {
                name: "region".into(),
            }],
            &m,
        )
        .unwrap();
        assert!(gone.attributes.is_empty());
    }

    #[test]
    fn what_cannot_apply_is_an_error_and_the_preview_says_so() {
        let text = msg("plain text");
        assert_eq!(
            apply(&[field("a", "1")], &text).unwrap_err(),
            TransformError::NotJson("a".into())
        );
        assert!(apply(
            &[Change::Replace {
                find: "plain".into(),
                with: "fine".into()
            }],
            &text
        )
        .is_ok());
        assert_eq!(
            apply(
                &[Change::Replace {
                    find: "absent".into(),
                    with: "x".into()
                }],
                &text
            )
            .unwrap_err(),
            TransformError::NotFound("absent".into()),
            "a replacement that finds nothing would move the message unchanged"
        );
        let json = msg(r#"{"a":"x"}"#);
        assert!(matches!(
            apply(&[field("a.b", "1")], &json),
            Err(TransformError::Blocked { .. })
        ));
        assert!(matches!(
            apply(&[field("a..b", "1")], &json),
            Err(TransformError::BadPath(_))
        ));
        let p = preview(
            &[field("b", "2")],
            &[("m1".into(), json.clone()), ("m2".into(), text)],
        );
        assert_eq!(p[0].after, "{\n  \"a\": \"x\",\n  \"b\": 2\n}");
        assert!(p[0].error.is_none());
        assert!(
            p[1].error.as_deref().unwrap().contains("not JSON"),
            "{:?}",
            p[1].error
        );
        assert_eq!(
            p[1].after, "plain text",
            "an error leaves the message as it was"
        );
    }
}
