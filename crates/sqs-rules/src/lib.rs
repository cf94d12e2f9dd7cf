//! SQS's rules for messages, written once: the app checks a message before sending it, and the
//! sandbox refuses the same inputs as SQS does. Body characters, message attribute names, types
//! and values, and the MD5 digests SQS returns. Queue attributes, names and redrive policies:
//! `queue_rules`; a queue's settings as one value and their encoding: `queue_spec`.

mod queue_rules;
mod queue_spec;

pub use queue_rules::{
    attr, numeric_attribute, policy_is_valid, queue_name_is_valid, NumericAttribute,
    RedriveAllowPolicy, RedrivePolicy, RedrivePolicyError, DEDUPLICATION_SCOPES, DELAY_SECONDS,
    FIFO_ONLY_ATTRIBUTES, FIFO_THROUGHPUT_LIMITS, KMS_DATA_KEY_REUSE_PERIOD_SECONDS,
    MAXIMUM_MESSAGE_SIZE, MAX_QUEUE_NAME, MAX_RECEIVE_COUNT, MAX_REDRIVE_SOURCES,
    MESSAGE_RETENTION_PERIOD, NUMERIC_ATTRIBUTES, RECEIVE_MESSAGE_WAIT_TIME_SECONDS,
    SETTABLE_ATTRIBUTES, VISIBILITY_TIMEOUT,
};
pub use queue_spec::{
    full_name, new_dlq_name, DeadLetter, Encryption, FieldError, QueueSpec, RedriveAllow, Tag,
    MAX_TAGS, NEW_DLQ_RETENTION_S,
};

use md5::{Digest, Md5};

/// At most this many message attributes per message.
pub const MAX_ATTRIBUTES: usize = 10;
/// The longest per-message delay (standard queues), in seconds: 15 minutes (the queue's own
/// delay has the same range).
pub const MAX_DELAY_SECONDS: u32 = DELAY_SECONDS.max;
/// The longest a received message stays hidden, in seconds (12 hours; also the most a
/// visibility change may extend it to, counted from the first receive).
pub const MAX_VISIBILITY_TIMEOUT: u32 = VISIBILITY_TIMEOUT.max;
/// The most bytes in one batch request, all entries together (the same as one message's).
pub const MAX_BATCH_BYTES: usize = MAXIMUM_MESSAGE_SIZE.max as usize;
/// How long a FIFO queue remembers a deduplication id, in seconds (five minutes).
pub const DEDUPLICATION_INTERVAL_SECONDS: u32 = 300;
/// The longest message group id or deduplication id.
pub const MAX_FIFO_ID: usize = 128;

/// Whether a FIFO message group id or deduplication id is valid: 1–128 ASCII letters, digits
/// and punctuation.
pub fn fifo_id_is_valid(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_FIFO_ID
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c.is_ascii_punctuation())
}

/// Which rule a value broke (the sandbox maps it to SQS's error code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A character SQS does not allow in a body (`InvalidMessageContents`).
    BodyCharacters,
    /// Any other bad value (`InvalidParameterValue`).
    Parameter,
}

/// A broken rule, with a sentence that says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RuleError {
    pub rule: Rule,
    pub message: String,
}

fn param(message: String) -> RuleError {
    RuleError {
        rule: Rule::Parameter,
        message,
    }
}

fn allowed_char(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// The first character SQS refuses in a body, with its byte position.
fn first_bad_character(body: &str) -> Option<(usize, char)> {
    body.char_indices().find(|(_, c)| !allowed_char(*c))
}

/// Checks a body's characters (#x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF)
/// and names the first bad one with its byte position.
pub fn check_body_characters(body: &str) -> Result<(), RuleError> {
    match first_bad_character(body) {
        None => Ok(()),
        Some((i, c)) => Err(RuleError {
            rule: Rule::BodyCharacters,
            message: format!(
                "Invalid binary character '#x{:X}' was found in the message body at byte {i}, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
                c as u32
            ),
        }),
    }
}

/// The first character SQS refuses in a body, described for people: which character, where
/// (line and column, counted in characters), and what to do. None when every character is allowed.
pub fn describe_bad_body_character(body: &str) -> Option<String> {
    let (at, c) = first_bad_character(body)?;
    let before = &body[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let name = match c as u32 {
        0 => "a NUL character (U+0000)".to_string(),
        0x1B => "an escape character (U+001B)".to_string(),
        n if n < 0x20 || n == 0x7F => format!("the control character U+{n:04X}"),
        n => format!("the character U+{n:04X}, which SQS does not allow"),
    };
    Some(format!(
        "The body has {name} at line {line}, column {column}. SQS takes text with tabs, line breaks and printable characters only: remove it, or send binary data base64-encoded."
    ))
}

/// A message attribute: a string value for String/Number types, bytes for Binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageAttr {
    pub name: String,
    pub data_type: String,
    pub string: Option<String>,
    pub binary: Option<Vec<u8>>,
}

impl MessageAttr {
    /// Bytes the attribute counts towards the message size (name + type + value).
    pub fn size(&self) -> usize {
        self.name.len()
            + self.data_type.len()
            + self.string.as_ref().map_or(0, String::len)
            + self.binary.as_ref().map_or(0, Vec::len)
    }

    /// Checks the name, the type and the value against SQS's rules.
    pub fn check(&self) -> Result<(), RuleError> {
        check_name(&self.name)?;
        let name = &self.name;
        let dt = &self.data_type;
        let (base, suffix) = dt.split_once('.').unwrap_or((dt, ""));
        if !matches!(base, "String" | "Number" | "Binary")
            || suffix.len() > 256
            || (dt.contains('.') && suffix.is_empty())
        {
            return Err(param(format!(
                "The type of message attribute '{name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String."
            )));
        }
        if base == "Binary" {
            if self.binary.as_ref().is_none_or(Vec::is_empty) {
                return Err(param(format!(
                    "The message attribute '{name}' with type 'Binary' must use field 'Binary'."
                )));
            }
            return Ok(());
        }
        let s = self.string.as_deref().unwrap_or("");
        if s.is_empty() {
            return Err(param(format!(
                "The message attribute '{name}' with type '{base}' must use field 'String'."
            )));
        }
        if check_body_characters(s).is_err() {
            return Err(param(format!(
                "The message attribute '{name}' contains characters SQS does not allow."
            )));
        }
        if base == "Number" {
            check_number(name, s)?;
        }
        Ok(())
    }
}

fn check_name(name: &str) -> Result<(), RuleError> {
    let lower = name.to_ascii_lowercase();
    let bad = name.is_empty()
        || name.len() > 256
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        || name.starts_with('.')
        || name.ends_with('.')
        || name.contains("..")
        || lower.starts_with("aws.")
        || lower.starts_with("amazon.");
    if bad {
        return Err(param(format!(
            "Message attribute name '{name}' is invalid: use 1-256 of A-Z a-z 0-9 _ - ., not starting or ending with '.', no '..', and not starting with 'AWS.' or 'Amazon.'."
        )));
    }
    Ok(())
}

/// Up to 38 significant digits, between -10^128 and 10^126.
fn check_number(name: &str, v: &str) -> Result<(), RuleError> {
    let bad = || {
        param(format!(
            "Message attribute '{name}' has an invalid Number value '{v}'."
        ))
    };
    let t = v.trim_start_matches(['-', '+']);
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], t[i + 1..].parse::<i32>().map_err(|_| bad())?),
        None => (t, 0),
    };
    if mantissa.is_empty()
        || mantissa.chars().filter(|c| *c == '.').count() > 1
        || !mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        || mantissa == "."
    {
        return Err(bad());
    }
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    if significant.len() > 38 {
        return Err(bad());
    }
    let int_len = mantissa
        .split('.')
        .next()
        .unwrap_or("")
        .trim_start_matches('0')
        .len() as i32;
    if !significant.is_empty() && int_len + exp > 127 {
        return Err(bad());
    }
    Ok(())
}

/// Checks how many attributes a message has.
pub fn check_attribute_count(n: usize) -> Result<(), RuleError> {
    if n > MAX_ATTRIBUTES {
        return Err(param(format!(
            "Number of message attributes [{n}] exceeds the allowed maximum [{MAX_ATTRIBUTES}]."
        )));
    }
    Ok(())
}

/// Lowercase hex MD5.
pub fn md5_hex(data: &[u8]) -> String {
    hex::encode(Md5::digest(data))
}

/// MD5 of message attributes as SQS computes it: for each attribute sorted by name, the
/// length-prefixed name, length-prefixed type, a transport byte (1 string, 2 binary) and the
/// length-prefixed value.
pub fn md5_of_attributes(attrs: &[MessageAttr]) -> Option<String> {
    if attrs.is_empty() {
        return None;
    }
    let mut sorted: Vec<&MessageAttr> = attrs.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut buf = Vec::new();
    let put = |buf: &mut Vec<u8>, bytes: &[u8]| {
        buf.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        buf.extend_from_slice(bytes);
    };
    for a in sorted {
        put(&mut buf, a.name.as_bytes());
        put(&mut buf, a.data_type.as_bytes());
        match &a.binary {
            Some(b) if a.data_type.starts_with("Binary") => {
                buf.push(2);
                put(&mut buf, b);
            }
            _ => {
                buf.push(1);
                put(&mut buf, a.string.as_deref().unwrap_or("").as_bytes());
            }
        }
    }
    Some(md5_hex(&buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(name: &str, dt: &str, s: Option<&str>, b: Option<&[u8]>) -> MessageAttr {
        MessageAttr {
            name: name.into(),
            data_type: dt.into(),
            string: s.map(Into::into),
            binary: b.map(<[u8]>::to_vec),
        }
    }

    #[test]
    fn a_bad_body_character_is_described_with_its_line_and_column() {
        let text = describe_bad_body_character("{\n  \"a\": \"x\u{1}\"\n}").unwrap();
        assert!(text.contains("control character U+0001"), "{text}");
        assert!(text.contains("line 2, column 10"), "{text}");
        assert!(!text.contains("#x"), "{text}");
        assert_eq!(describe_bad_body_character("fine\ttext\r\n"), None);
    }

    #[test]
    fn body_characters_outside_the_xml_set_are_refused_with_their_position() {
        assert!(check_body_characters("héllo \u{1F600}\n\t").is_ok());
        let e = check_body_characters("ab\u{1}c").unwrap_err();
        assert_eq!(e.rule, Rule::BodyCharacters);
        assert!(
            e.message.contains("#x1") && e.message.contains("byte 2"),
            "{}",
            e.message
        );
    }

    #[test]
    fn attribute_digest_matches_the_developer_guide_encoding() {
        let attrs = [
            attr("b", "Binary", None, Some(&[1, 2, 3])),
            attr("a", "String", Some("x"), None),
        ];
        let mut buf = Vec::new();
        for (n, t, tr, v) in [
            ("a", "String", 1u8, b"x".to_vec()),
            ("b", "Binary", 2u8, vec![1, 2, 3]),
        ] {
            buf.extend_from_slice(&(n.len() as u32).to_be_bytes());
            buf.extend_from_slice(n.as_bytes());
            buf.extend_from_slice(&(t.len() as u32).to_be_bytes());
            buf.extend_from_slice(t.as_bytes());
            buf.push(tr);
            buf.extend_from_slice(&(v.len() as u32).to_be_bytes());
            buf.extend_from_slice(&v);
        }
        assert_eq!(md5_of_attributes(&attrs).unwrap(), md5_hex(&buf));
        assert_eq!(md5_hex(b"hello"), "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(md5_of_attributes(&[]), None);
    }

    #[test]
    fn attribute_rules() {
        assert!(attr("AWS.x", "String", Some("v"), None).check().is_err());
        assert!(attr("amazon.x", "String", Some("v"), None).check().is_err());
        assert!(attr("a..b", "String", Some("v"), None).check().is_err());
        assert!(attr(".a", "String", Some("v"), None).check().is_err());
        assert!(attr("n", "Number", Some("12x"), None).check().is_err());
        assert!(attr("n", "Number", Some(&"9".repeat(39)), None)
            .check()
            .is_err());
        assert!(attr("n", "Number", Some("1e127"), None).check().is_err());
        assert!(attr("n", "Text", Some("1"), None).check().is_err());
        assert!(attr("n", "String.", Some("1"), None).check().is_err());
        assert!(attr("b", "Binary", None, None).check().is_err());
        assert!(attr("s", "String", Some(""), None).check().is_err());
        assert!(attr("n.v", "Number.float", Some("-1.5e3"), None)
            .check()
            .is_ok());
        assert!(attr("img", "Binary.png", None, Some(&[0xff]))
            .check()
            .is_ok());
        assert!(check_attribute_count(10).is_ok());
        assert!(check_attribute_count(11).is_err());
    }
}
