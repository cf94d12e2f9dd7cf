//! A message body laid out for reading: JSON indented two spaces, keys in the order they were
//! sent and numbers as written (the text is re-spaced, never re-encoded). Runs in Rust so a 1 MiB
//! body is formatted in milliseconds away from the window's thread.

use serde::de::IgnoredAny;

/// The body indented, or None when it is not JSON.
pub fn pretty_json(body: &str) -> Option<String> {
    let trimmed = body.trim();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return None;
    }
    serde_json::from_str::<IgnoredAny>(trimmed).ok()?;
    let mut out = String::with_capacity(trimmed.len() + trimmed.len() / 4);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = trimmed.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // An empty object or array stays on one line.
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}') | Some(']')) {
                    out.push(chars.next().expect("peeked"));
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_keeping_order_numbers_and_strings_as_sent() {
        let body = r#"{"z":1,"a":{"list":[1.50,"x, y: {z}",[]],"e":{}},"s":"q\"uo\\te"}"#;
        assert_eq!(
            pretty_json(body).unwrap(),
            "{\n  \"z\": 1,\n  \"a\": {\n    \"list\": [\n      1.50,\n      \"x, y: {z}\",\n      []\n    ],\n    \"e\": {}\n  },\n  \"s\": \"q\\\"uo\\\\te\"\n}"
        );
        let again: serde_json::Value = serde_json::from_str(&pretty_json(body).unwrap()).unwrap();
        assert_eq!(
            again,
            serde_json::from_str::<serde_json::Value>(body).unwrap()
        );
        assert_eq!(pretty_json("plain"), None);
        assert_eq!(pretty_json("{broken"), None);
        assert_eq!(pretty_json(" [ ] "), Some("[]".into()));
    }

    #[test]
    fn a_one_mebibyte_body_is_formatted() {
        let items: Vec<String> = (0..20_000)
            .map(|i| format!(r#"{{"id":{i},"name":"item number {i}"}}"#))
            .collect();
        let body = format!(r#"{{"items":[{}]}}"#, items.join(","));
        assert!(body.len() > 700_000);
        let out = pretty_json(&body).unwrap();
        assert_eq!(out.lines().count(), 4 + 20_000 * 4);
    }
}
