//! SQS's query (XML) protocol as a thin codec: a form-encoded request (`Action=SendMessage&
//! MessageAttribute.1.Name=…`) becomes the same JSON members the operations read, and their JSON
//! answer is written as the XML SQS sends (`<SendMessageResponse><SendMessageResult>…`). No rule
//! lives here; every operation runs the one code path the JSON protocol uses.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::{SqsError, SqsResult};
use crate::request::Req;

const XMLNS: &str = "http://queue.amazonaws.com/doc/2012-11-05/";

/// The most segments a parameter name may have. SQS's deepest names have seven
/// (`SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringListValue.1`); a name nested
/// thousands deep would otherwise build a tree whose recursive walk and drop overflow the stack.
pub const MAX_NAME_SEGMENTS: usize = 10;
/// The most parameters one request may carry. A full SendMessageBatch (ten entries with ten
/// attributes each) needs about 400; 3 MiB of `a=&a=&…` would otherwise be ~460,000 tree nodes.
pub const MAX_PARAMETERS: usize = 2_000;

/// A flattened parameter tree: `Attribute.1.Name=x` is `Attribute → 1 → Name → x`.
#[derive(Debug, Default)]
struct Node {
    value: Option<String>,
    children: BTreeMap<String, Node>,
}

impl Node {
    fn insert(&mut self, path: &str, value: String) {
        let mut node = self;
        for part in path.split('.') {
            node = node.children.entry(part.to_string()).or_default();
        }
        node.value = Some(value);
    }

    /// The children whose keys are list positions (`1`, `2`, …), in number order.
    fn items(&self) -> Vec<&Node> {
        let mut v: Vec<(u64, &Node)> = self
            .children
            .iter()
            .filter_map(|(k, n)| k.parse().ok().map(|i| (i, n)))
            .collect();
        v.sort_by_key(|(i, _)| *i);
        v.into_iter().map(|(_, n)| n).collect()
    }

    fn text(&self) -> Value {
        Value::String(self.value.clone().unwrap_or_default())
    }
}

/// Reads a form-encoded body (and the URL's query string) into the action and its members.
pub fn decode(query_string: &str, body: &[u8]) -> SqsResult<(String, Req)> {
    let mut root = Node::default();
    let mut action = None;
    let pairs = form_urlencoded::parse(query_string.as_bytes()).chain(form_urlencoded::parse(body));
    for (count, (k, v)) in pairs.enumerate() {
        if count >= MAX_PARAMETERS {
            return Err(SqsError::malformed(format!(
                "The request has more than {MAX_PARAMETERS} parameters; SQS requests need far fewer. Send fewer entries or attributes per request."
            )));
        }
        if k.split('.').nth(MAX_NAME_SEGMENTS).is_some() {
            let shown: String = k.chars().take(60).collect();
            return Err(SqsError::malformed(format!(
                "The parameter name '{shown}…' has more than {MAX_NAME_SEGMENTS} parts separated by '.'; no SQS parameter is nested that deep."
            )));
        }
        match k.as_ref() {
            "Action" => action = Some(v.into_owned()),
            "Version" => {}
            key => root.insert(key, v.into_owned()),
        }
    }
    let action = action.ok_or_else(|| SqsError::missing_parameter("Action"))?;
    let members = structure(&root, &action);
    Ok((action, Req(members)))
}

/// One structure's members, named as the JSON protocol names them.
fn structure(node: &Node, action: &str) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, child) in &node.children {
        let (name, value) = member(key, child, action);
        out.insert(name, value);
    }
    out
}

fn member(key: &str, n: &Node, action: &str) -> (String, Value) {
    let list = |n: &Node| Value::Array(n.items().into_iter().map(Node::text).collect());
    let pairs = |n: &Node, k: &str, v: &str| {
        let mut m = Map::new();
        for item in n.items() {
            let key = item.children.get(k).and_then(|c| c.value.clone());
            let value = item.children.get(v).map(Node::text);
            if let (Some(key), Some(value)) = (key, value) {
                m.insert(key, value);
            }
        }
        Value::Object(m)
    };
    let typed_values = |n: &Node| {
        let mut m = Map::new();
        for item in n.items() {
            let key = item.children.get("Name").and_then(|c| c.value.clone());
            if let (Some(key), Some(v)) = (key, item.children.get("Value")) {
                m.insert(key, Value::Object(structure(v, action)));
            }
        }
        Value::Object(m)
    };
    let entries = |n: &Node| {
        Value::Array(
            n.items()
                .into_iter()
                .map(|e| Value::Object(structure(e, action)))
                .collect(),
        )
    };
    match key {
        "Attribute" => ("Attributes".into(), pairs(n, "Name", "Value")),
        "Tag" if action == "CreateQueue" => ("tags".into(), pairs(n, "Key", "Value")),
        "Tag" => ("Tags".into(), pairs(n, "Key", "Value")),
        "MessageAttribute" | "MessageSystemAttribute" => (format!("{key}s"), typed_values(n)),
        "AttributeName"
        | "MessageAttributeName"
        | "MessageSystemAttributeName"
        | "TagKey"
        | "AWSAccountId"
        | "StringListValue"
        | "BinaryListValue" => (format!("{key}s"), list(n)),
        "ActionName" => ("Actions".into(), list(n)),
        k if k.ends_with("RequestEntry") => ("Entries".into(), entries(n)),
        // An empty list is sent under its member name with no value (`Entries=`).
        "Entries"
        | "AttributeNames"
        | "MessageAttributeNames"
        | "TagKeys"
        | "AWSAccountIds"
        | "Actions"
            if n.children.is_empty() =>
        {
            (key.to_string(), Value::Array(vec![]))
        }
        k => (k.to_string(), n.text()),
    }
}

/// A successful answer: `<{Action}Response><{Action}Result>…</…><ResponseMetadata>…`.
pub fn response(action: &str, v: &Value, request_id: &str) -> String {
    let mut x = format!("<?xml version=\"1.0\"?><{action}Response xmlns=\"{XMLNS}\">");
    if let Some(m) = v.as_object().filter(|m| !m.is_empty()) {
        x.push_str(&format!("<{action}Result>"));
        write_members(&mut x, m, action);
        x.push_str(&format!("</{action}Result>"));
    }
    x.push_str(&format!(
        "<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>"
    ));
    x
}

/// An error answer, with the legacy code every query client switches on.
pub fn error(e: &SqsError, request_id: &str) -> String {
    let fault = if e.status >= 500 {
        "Receiver"
    } else {
        "Sender"
    };
    format!(
        "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"{XMLNS}\"><Error><Type>{fault}</Type><Code>{}</Code><Message>{}</Message><Detail/></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
        e.legacy_code,
        escape(&e.message)
    )
}

fn write_members(x: &mut String, m: &Map<String, Value>, action: &str) {
    for (key, v) in m {
        match (key.as_str(), v) {
            ("Attributes", Value::Object(a)) => write_pairs(x, "Attribute", "Name", "Value", a),
            ("Tags", Value::Object(t)) => write_pairs(x, "Tag", "Key", "Value", t),
            ("MessageAttributes", Value::Object(a)) => {
                for (name, value) in a {
                    x.push_str("<MessageAttribute><Name>");
                    x.push_str(&escape(name));
                    x.push_str("</Name>");
                    write_element(x, "Value", value, action);
                    x.push_str("</MessageAttribute>");
                }
            }
            (_, Value::Array(items)) => {
                let tag = match key.as_str() {
                    "QueueUrls" | "queueUrls" => "QueueUrl".to_string(),
                    "Messages" => "Message".into(),
                    "Successful" => format!("{action}ResultEntry"),
                    "Failed" => "BatchResultErrorEntry".into(),
                    "Results" => format!("{action}ResultEntry"),
                    "StringListValues" => "StringListValue".into(),
                    "BinaryListValues" => "BinaryListValue".into(),
                    other => other.to_string(),
                };
                for item in items {
                    write_element(x, &tag, item, action);
                }
            }
            (_, v) => write_element(x, key, v, action),
        }
    }
}

fn write_pairs(x: &mut String, tag: &str, k: &str, v: &str, m: &Map<String, Value>) {
    for (key, value) in m {
        let value = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_string);
        x.push_str(&format!(
            "<{tag}><{k}>{}</{k}><{v}>{}</{v}></{tag}>",
            escape(key),
            escape(&value)
        ));
    }
}

fn write_element(x: &mut String, tag: &str, v: &Value, action: &str) {
    x.push_str(&format!("<{tag}>"));
    match v {
        Value::Object(m) => write_members(x, m, action),
        Value::String(s) => x.push_str(&escape(s)),
        Value::Null => {}
        other => x.push_str(&other.to_string()),
    }
    x.push_str(&format!("</{tag}>"));
}

/// XML text escaping; a carriage return is written as a reference so an XML parser's line-end
/// normalisation cannot turn a body's `\r\n` into `\n` (its MD5 would then not match).
/// Characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) cannot be written at all, not
/// even as references, so each becomes U+FFFD: the answer stays well-formed for every client's
/// parser. The operations refuse such characters where SQS does (bodies, attributes, tags);
/// this is the last guard for any other text.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if !xml_char(c) => out.push('\u{FFFD}'),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
    out
}

/// XML 1.0's `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
/// (Rust's `char` already excludes the surrogates).
pub fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flattened_members_become_the_json_members() {
        let body = "Action=SendMessageBatch&QueueUrl=http%3A%2F%2Fh%2F1%2Fq&Version=2012-11-05\
            &SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=two\
            &SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=one+%26\
            &SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=n\
            &SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=Number\
            &SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=7\
            &SendMessageBatchRequestEntry.10.Id=c&SendMessageBatchRequestEntry.10.MessageBody=ten";
        let (action, req) = decode("", body.as_bytes()).unwrap();
        assert_eq!(action, "SendMessageBatch");
        assert_eq!(
            Value::Object(req.0),
            json!({
                "QueueUrl": "http://h/1/q",
                "Entries": [
                    {"Id": "a", "MessageBody": "one &", "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "7"}}},
                    {"Id": "b", "MessageBody": "two"},
                    {"Id": "c", "MessageBody": "ten"},
                ]
            })
        );
    }

    #[test]
    fn maps_and_lists_by_their_query_names() {
        let body =
            "Action=CreateQueue&QueueName=q&Attribute.1.Name=DelaySeconds&Attribute.1.Value=5\
            &Tag.1.Key=team&Tag.1.Value=a";
        let (_, req) = decode("", body.as_bytes()).unwrap();
        assert_eq!(
            Value::Object(req.0),
            json!({"QueueName": "q", "Attributes": {"DelaySeconds": "5"}, "tags": {"team": "a"}})
        );
        let (_, req) = decode(
            "Action=ReceiveMessage",
            b"AttributeName.1=All&MessageAttributeName.1=a.*",
        )
        .unwrap();
        assert_eq!(
            Value::Object(req.0),
            json!({"AttributeNames": ["All"], "MessageAttributeNames": ["a.*"]})
        );
    }

    #[test]
    fn an_empty_list_is_sent_under_its_member_name() {
        let (_, req) = decode("", b"Action=DeleteMessageBatch&QueueUrl=u&Entries=").unwrap();
        assert_eq!(
            Value::Object(req.0),
            json!({"QueueUrl": "u", "Entries": []})
        );
    }

    #[test]
    fn no_action_is_a_missing_parameter() {
        assert_eq!(
            decode("", b"QueueName=q").err().unwrap().type_name,
            "MissingParameter"
        );
    }

    #[test]
    fn answers_are_written_as_sqs_writes_them() {
        let v = json!({"Messages": [{
            "MessageId": "m", "Body": "a<b\r\n", "Attributes": {"SentTimestamp": "1"},
            "MessageAttributes": {"s": {"DataType": "String", "StringValue": "v"}}
        }]});
        let x = response("ReceiveMessage", &v, "r1");
        assert!(x.contains("<ReceiveMessageResult><Message>"), "{x}");
        assert!(x.contains("<Body>a&lt;b&#xD;\n</Body>"), "{x}");
        assert!(
            x.contains("<Attribute><Name>SentTimestamp</Name><Value>1</Value></Attribute>"),
            "{x}"
        );
        assert!(x.contains("<MessageAttribute><Name>s</Name><Value><DataType>String</DataType><StringValue>v</StringValue></Value></MessageAttribute>"), "{x}");
        assert!(x.ends_with("<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></ReceiveMessageResponse>"));
        let batch = response(
            "DeleteMessageBatch",
            &json!({"Successful": [{"Id": "a"}], "Failed": [{"Id": "b", "SenderFault": true, "Code": "X", "Message": "m"}]}),
            "r",
        );
        assert!(
            batch.contains(
                "<DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry>"
            ),
            "{batch}"
        );
        assert!(
            // Member order follows serde_json's map order, which feature unification may change.
            [
                "<BatchResultErrorEntry>",
                "<Id>b</Id>",
                "<Code>X</Code>",
                "<SenderFault>true</SenderFault>"
            ]
            .iter()
            .all(|part| batch.contains(part)),
            "{batch}"
        );
        assert!(!response("DeleteQueue", &json!({}), "r").contains("DeleteQueueResult"));
    }

    #[test]
    fn errors_carry_the_legacy_code() {
        let x = error(&SqsError::queue_does_not_exist(), "r");
        assert!(
            x.contains("<Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code>"),
            "{x}"
        );
    }

    #[test]
    fn a_name_nested_thousands_deep_is_refused_without_recursing() {
        // ~30 KB: before the bound this overflowed the stack and aborted the process.
        let deep = format!("Action=ListQueues&{}=1", vec!["a"; 15_000].join("."));
        let e = decode("", deep.as_bytes()).err().expect("refused");
        assert_eq!(e.legacy_code, "MalformedQueryString");
        assert!(e.message.contains("more than 10 parts"), "{}", e.message);
        // SQS's deepest real name still passes.
        let ok = "Action=SendMessageBatch&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringListValue.1=x";
        assert!(decode("", ok.as_bytes()).is_ok());
    }

    #[test]
    fn a_flood_of_parameters_is_refused() {
        let mut body = String::from("Action=ListQueues");
        for i in 0..MAX_PARAMETERS {
            body.push_str(&format!("&p{i}=1"));
        }
        let e = decode("", body.as_bytes()).err().expect("refused");
        assert!(e.message.contains("parameters"), "{}", e.message);
        // A full batch with ten attributes per entry is far below the bound.
        let mut batch = String::from("Action=SendMessageBatch&QueueUrl=u");
        for n in 1..=10 {
            let e = format!("SendMessageBatchRequestEntry.{n}");
            batch.push_str(&format!("&{e}.Id=i{n}&{e}.MessageBody=b"));
            for a in 1..=10 {
                batch.push_str(&format!(
                    "&{e}.MessageAttribute.{a}.Name=a{a}&{e}.MessageAttribute.{a}.Value.DataType=String&{e}.MessageAttribute.{a}.Value.StringValue=v"
                ));
            }
        }
        assert!(decode("", batch.as_bytes()).is_ok());
    }

    #[test]
    fn characters_xml_forbids_never_reach_an_answer() {
        let v = json!({"Tags": {"k": "a\u{1}b\u{0}c\u{FFFF}"}, "QueueUrl": "\u{1b}[31m"});
        let x = response("ListQueueTags", &v, "r");
        roxmltree::Document::parse(&x).unwrap_or_else(|e| panic!("{e}: {x:?}"));
        assert!(
            x.contains("<Value>a\u{FFFD}b\u{FFFD}c\u{FFFD}</Value>"),
            "{x:?}"
        );
        let e = error(&SqsError::invalid_parameter("bad \u{8} value"), "r");
        roxmltree::Document::parse(&e).unwrap_or_else(|err| panic!("{err}: {e:?}"));
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any bytes, as a body or a query string: an answer or an error, never a panic.
        #[test]
        fn the_form_decoder_takes_any_bytes(body in proptest::collection::vec(any::<u8>(), 0..2048),
                                            qs in "[A-Za-z0-9.=&%]{0,200}") {
            let _ = decode(&qs, &body);
        }

        /// Adversarial shapes: deep names, many numbered members, repeated keys.
        #[test]
        fn the_form_decoder_takes_adversarial_names(depth in 1usize..40, width in 1usize..300, key in "[A-Za-z]{1,8}") {
            let name = vec![key.as_str(); depth].join(".");
            let mut body = String::from("Action=SendMessageBatch");
            for i in 0..width {
                body.push_str(&format!("&{name}.{i}=v&SendMessageBatchRequestEntry.{i}.Id={i}"));
            }
            match decode("", body.as_bytes()) {
                Ok(_) => prop_assert!(depth < MAX_NAME_SEGMENTS && 2 * width < MAX_PARAMETERS),
                Err(e) => prop_assert_eq!(e.legacy_code, "MalformedQueryString"),
            }
        }

        /// Whatever text the operations answer with, the XML is well-formed.
        #[test]
        fn every_answer_is_well_formed_xml(body in any::<String>(), name in any::<String>(), value in any::<String>()) {
            let v = json!({"Messages": [{"MessageId": "m", "Body": body,
                "Attributes": {"SentTimestamp": value.clone()},
                "MessageAttributes": {name.clone(): {"DataType": "String", "StringValue": value}}}]});
            let x = response("ReceiveMessage", &v, "r");
            prop_assert!(roxmltree::Document::parse(&x).is_ok(), "{:?}", x);
            let e = error(&SqsError::invalid_parameter(name), "r");
            prop_assert!(roxmltree::Document::parse(&e).is_ok(), "{:?}", e);
        }

        /// The JSON protocol's reader: any bytes, an object or SQS's error, never a panic.
        #[test]
        fn the_json_reader_takes_any_bytes(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = Req::parse(&body);
        }
    }

    #[test]
    fn the_json_reader_refuses_deep_nesting_without_recursing_forever() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(Req::parse(format!("{{\"a\":{deep}}}").as_bytes()).is_err());
    }
}
