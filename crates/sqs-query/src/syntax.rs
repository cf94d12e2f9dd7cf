//! The filter's syntax: tokens, the parser and its errors. A recursive-descent parser over a
//! token list, bounded in length ([`MAX_QUERY_CHARS`]) and nesting ([`MAX_DEPTH`]) so no input can
//! exhaust the stack; every error names the character where it went wrong and what was expected.
//!
//! ```text
//! query   := or
//! or      := and (("or" | "||") and)*
//! and     := unary (("and" | "&&")? unary)*          adjacent terms are joined by "and"
//! unary   := ("not" | "!" | "-") unary | primary
//! primary := "(" or ")" | field op value | field "in" "(" value ("," value)* ")"
//!          | field "exists" | @attribute | word | "quoted text"
//! field   := path (status, customer.tier, items[0].sku, items[].sku) | @attribute | $system
//! op      := = == != < <= > >= ~ (regex) "contains" "matches"
//! ```

use regex::Regex;

use crate::flat::{PathPattern, Segment};

/// The longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 4096;
/// The deepest nesting of parentheses and `not`.
pub const MAX_DEPTH: usize = 64;
/// The most memory one regular expression may compile to.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Why a query cannot be read: where (character offsets from 0) and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[error("{message} (at character {})", at + 1)]
pub struct QueryError {
    /// The first character of the part that is wrong (0-based, in characters).
    pub at: u32,
    /// How many characters are wrong (at least 1, unless the query ended too soon).
    pub len: u32,
    /// A sentence: what is wrong and what was expected.
    pub message: String,
}

/// A message's system attributes a query can name with `$`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum System {
    Id,
    Body,
    Receives,
    Sent,
    FirstReceived,
    Group,
    Dedup,
    Source,
    Size,
}

impl System {
    /// Every name a query may use, with the field it names.
    pub const NAMES: [(&'static str, System); 11] = [
        ("$id", System::Id),
        ("$body", System::Body),
        ("$receives", System::Receives),
        ("$receive_count", System::Receives),
        ("$sent", System::Sent),
        ("$first_received", System::FirstReceived),
        ("$group", System::Group),
        ("$dedup", System::Dedup),
        ("$source", System::Source),
        ("$size", System::Size),
        ("$tenant", System::Group),
    ];

    fn named(name: &str) -> Option<System> {
        Self::NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, s)| *s)
    }
}

/// What a comparison reads from a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// A path into the JSON body.
    Body(PathPattern),
    /// A message attribute, by its exact name.
    Attribute(String),
    System(System),
}

/// A value typed after an operator, read as a number and as a time where it can be.
#[derive(Debug, Clone)]
pub struct Literal {
    pub text: String,
    pub number: Option<f64>,
    /// Milliseconds since the epoch, for `2026-12-01` or `2026-12-01T10:00:00Z`.
    pub time_ms: Option<i64>,
    /// `true`, `false` (unquoted).
    pub boolean: Option<bool>,
    /// `null` (unquoted).
    pub null: bool,
}

impl Literal {
    fn new(text: String, quoted: bool) -> Literal {
        let unquoted = |v| if quoted { None } else { Some(v) };
        Literal {
            number: text.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
            time_ms: parse_time(&text),
            boolean: match text.as_str() {
                "true" => unquoted(true),
                "false" => unquoted(false),
                _ => None,
            },
            null: !quoted && text == "null",
            text,
        }
    }
}

/// `2026-12-01`, `2026-12-01T10:00`, `2026-12-01T10:00:00Z`, `2026-12-01 10:00:00+01:00`: times
/// without a zone are UTC.
pub(crate) fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.len() < 10 || !s.as_bytes()[..4].iter().all(u8::is_ascii_digit) || s.as_bytes()[4] != b'-'
    {
        return None;
    }
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t.as_millisecond());
    }
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp().as_millisecond());
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return d
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp().as_millisecond());
    }
    None
}

/// How a comparison compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
}

/// A parsed query.
#[derive(Debug, Clone)]
pub enum Node {
    /// Nothing typed: every message.
    All,
    /// A bare word or quoted text: case-insensitive, in the body, an attribute's name or value.
    Text(Regex),
    Compare(Field, Op, Literal),
    Matches(Field, Regex),
    In(Field, Vec<Literal>),
    Exists(Field),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
}

/// A query ready to be bound to a store's paths ([`crate::Compiled`]).
#[derive(Debug, Clone)]
pub struct Query {
    pub(crate) root: Node,
}

impl Query {
    /// Whether the query is empty (matches every message).
    pub fn is_empty(&self) -> bool {
        matches!(self.root, Node::All)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    Comma,
    /// `=`, `!=`, `<`, … and `~`.
    Sym(&'static str),
    /// `!` before a term.
    Bang,
    Word(String),
    Quoted(String),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    at: usize,
    len: usize,
}

fn err(at: usize, len: usize, message: impl Into<String>) -> QueryError {
    QueryError {
        at: at as u32,
        len: len.max(1) as u32,
        message: message.into(),
    }
}

fn lex(input: &[char]) -> Result<Vec<Token>, QueryError> {
    let mut out = Vec::new();
    let mut i = 0;
    let special = |c: char| c.is_whitespace() || "(),\"'=<>~".contains(c);
    while i < input.len() {
        let c = input[i];
        let start = i;
        let sym = |s: &'static str, n: usize| (Tok::Sym(s), n);
        let two = input.get(i + 1).copied();
        let (tok, n) = match (c, two) {
            (c, _) if c.is_whitespace() => {
                i += 1;
                continue;
            }
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            (',', _) => (Tok::Comma, 1),
            ('=', Some('=')) => sym("=", 2),
            ('=', _) => sym("=", 1),
            ('!', Some('=')) => sym("!=", 2),
            ('!', Some('~')) => sym("!~", 2),
            ('<', Some('=')) => sym("<=", 2),
            ('<', Some('>')) => sym("!=", 2),
            ('<', _) => sym("<", 1),
            ('>', Some('=')) => sym(">=", 2),
            ('>', _) => sym(">", 1),
            ('~', _) => sym("~", 1),
            ('&', Some('&')) => (Tok::Word("and".into()), 2),
            ('|', Some('|')) => (Tok::Word("or".into()), 2),
            ('!', _) => (Tok::Bang, 1),
            ('"' | '\'', _) => {
                let quote = c;
                let mut text = String::new();
                let mut j = i + 1;
                loop {
                    match input.get(j) {
                        None => {
                            return Err(err(
                                start,
                                j - start,
                                format!("This text has no closing {quote}: add one at the end."),
                            ))
                        }
                        Some('\\') if input.get(j + 1).is_some() => {
                            text.push(input[j + 1]);
                            j += 2;
                        }
                        Some(&q) if q == quote => break,
                        Some(&ch) => {
                            text.push(ch);
                            j += 1;
                        }
                    }
                }
                (Tok::Quoted(text), j + 1 - i)
            }
            _ => {
                let mut j = i;
                // A word ends before a space, a bracket, a quote, an operator, `!=`, `&&` or `||`.
                let ends = |j: usize| {
                    let next = input.get(j + 1).copied();
                    special(input[j])
                        || (input[j] == '!' && matches!(next, Some('=' | '~')))
                        || (matches!(input[j], '&' | '|') && next == Some(input[j]))
                };
                while j < input.len() && !ends(j) {
                    j += 1;
                }
                (Tok::Word(input[i..j].iter().collect()), j - i)
            }
        };
        out.push(Token {
            tok,
            at: start,
            len: n,
        });
        i += n;
    }
    Ok(out)
}

/// Reads a query. An empty (or all-space) query matches every message.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    if chars.len() > MAX_QUERY_CHARS {
        return Err(err(
            MAX_QUERY_CHARS,
            chars.len() - MAX_QUERY_CHARS,
            format!("A query may be at most {MAX_QUERY_CHARS} characters long."),
        ));
    }
    let tokens = lex(&chars)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        end: chars.len(),
    };
    if p.tokens.is_empty() {
        return Ok(Query { root: Node::All });
    }
    let root = p.or(0)?;
    if let Some(t) = p.peek() {
        let what = if t.tok == Tok::RParen {
            "This ')' has no '(' to close."
        } else {
            "Expected 'and', 'or' or the end of the query here."
        };
        return Err(err(t.at, t.len, what));
    }
    Ok(Query { root })
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    end: usize,
}

fn keyword(t: &Tok, k: &str) -> bool {
    matches!(t, Tok::Word(w) if w.eq_ignore_ascii_case(k))
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }
    fn peek_at(&self, n: usize) -> Option<&Token> {
        self.tokens.get(self.pos + n)
    }
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn at_end_err(&self, message: &str) -> QueryError {
        err(self.end, 0, message)
    }

    fn deeper(&self, depth: usize, at: usize) -> Result<usize, QueryError> {
        if depth >= MAX_DEPTH {
            return Err(err(
                at,
                1,
                format!("The query is nested too deeply (at most {MAX_DEPTH} levels of parentheses and 'not')."),
            ));
        }
        Ok(depth + 1)
    }

    fn or(&mut self, depth: usize) -> Result<Node, QueryError> {
        let mut parts = vec![self.and(depth)?];
        while self.peek().is_some_and(|t| keyword(&t.tok, "or")) {
            self.next();
            parts.push(self.and(depth)?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().expect("one")
        } else {
            Node::Or(parts)
        })
    }

    fn and(&mut self, depth: usize) -> Result<Node, QueryError> {
        let mut parts = vec![self.unary(depth)?];
        loop {
            match self.peek() {
                None => break,
                Some(t) if t.tok == Tok::RParen || keyword(&t.tok, "or") => break,
                Some(t) if keyword(&t.tok, "and") => {
                    self.next();
                }
                Some(_) => {}
            }
            parts.push(self.unary(depth)?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().expect("one")
        } else {
            Node::And(parts)
        })
    }

    fn unary(&mut self, depth: usize) -> Result<Node, QueryError> {
        let Some(t) = self.peek().cloned() else {
            return Err(self.at_end_err("Expected a word or a condition here."));
        };
        let lone_minus = matches!(&t.tok, Tok::Word(w) if w == "-") && self.peek_at(1).is_some();
        let negation = t.tok == Tok::Bang
            || keyword(&t.tok, "not")
            || lone_minus
            || matches!(&t.tok, Tok::Word(w) if w.starts_with('-') && w.len() > 1);
        if !negation {
            return self.primary(depth);
        }
        let depth = self.deeper(depth, t.at)?;
        if let Tok::Word(w) = &t.tok {
            if let Some(rest) = w.strip_prefix('-').filter(|r| !r.is_empty()) {
                // `-word`: the rest of the word is the term.
                self.tokens[self.pos] = Token {
                    tok: Tok::Word(rest.to_string()),
                    at: t.at + 1,
                    len: t.len - 1,
                };
                return Ok(Node::Not(Box::new(self.primary(depth)?)));
            }
        }
        self.next();
        if self.peek().is_none() {
            return Err(err(
                t.at,
                t.len,
                "Expected a word or a condition after 'not'.",
            ));
        }
        Ok(Node::Not(Box::new(self.unary(depth)?)))
    }

    /// The operator after a field, if the next token is one.
    fn operator_next(&self) -> Option<&'static str> {
        match &self.peek_at(1)?.tok {
            Tok::Sym(s) => Some(s),
            Tok::Word(w) => ["contains", "matches", "in", "exists"]
                .into_iter()
                .find(|k| w.eq_ignore_ascii_case(k)),
            _ => None,
        }
    }

    fn primary(&mut self, depth: usize) -> Result<Node, QueryError> {
        let t = self.peek().cloned().expect("checked by the caller");
        match &t.tok {
            Tok::LParen => {
                let depth = self.deeper(depth, t.at)?;
                self.next();
                if self.peek().is_some_and(|n| n.tok == Tok::RParen) {
                    return Err(err(t.at, 2, "Expected a condition between '(' and ')'."));
                }
                let inner = self.or(depth)?;
                match self.next() {
                    Some(Token {
                        tok: Tok::RParen, ..
                    }) => Ok(inner),
                    _ => Err(err(t.at, 1, "This '(' is never closed: add a ')'.")),
                }
            }
            Tok::RParen => Err(err(t.at, 1, "This ')' has no '(' to close.")),
            Tok::Sym(s) => Err(err(
                t.at,
                t.len,
                format!("Expected a field before '{s}' (for example status {s} …)."),
            )),
            Tok::Bang => unreachable!("handled by unary"),
            Tok::Comma => {
                self.next();
                Ok(Node::Text(text_regex(",")))
            }
            Tok::Quoted(s) => {
                self.next();
                Ok(Node::Text(text_regex(s)))
            }
            Tok::Word(w) => match self.operator_next() {
                Some(op) => {
                    let field = field(w, t.at, t.len)?;
                    self.next();
                    let op_tok = self.next().expect("peeked");
                    self.condition(field, op, &op_tok)
                }
                None if w.starts_with('@') && w.len() > 1 => {
                    self.next();
                    Ok(Node::Exists(Field::Attribute(w[1..].to_string())))
                }
                None if w.starts_with('$') => {
                    field(w, t.at, t.len)?;
                    Err(err(
                        t.at + t.len,
                        0,
                        format!("Expected an operator after {w} (=, !=, <, >, contains, in …)."),
                    ))
                }
                None => {
                    self.next();
                    Ok(Node::Text(text_regex(w)))
                }
            },
        }
    }

    fn value(&mut self, after: &Token) -> Result<(Literal, Token), QueryError> {
        match self.next() {
            Some(
                t @ Token {
                    tok: Tok::Word(_) | Tok::Quoted(_),
                    ..
                },
            ) => {
                let lit = match &t.tok {
                    Tok::Word(w) => Literal::new(w.clone(), false),
                    Tok::Quoted(q) => Literal::new(q.clone(), true),
                    _ => unreachable!(),
                };
                Ok((lit, t))
            }
            Some(t) => Err(err(
                t.at,
                t.len,
                format!(
                    "Expected a value after '{}' (a word, a number or \"quoted text\").",
                    op_text(after)
                ),
            )),
            None => Err(err(
                after.at + after.len,
                0,
                format!("Expected a value after '{}'.", op_text(after)),
            )),
        }
    }

    fn condition(&mut self, field: Field, op: &str, op_tok: &Token) -> Result<Node, QueryError> {
        let compare = |o| Ok::<_, QueryError>(o);
        let op = match op.to_ascii_lowercase().as_str() {
            "exists" => return Ok(Node::Exists(field)),
            "in" => return self.list(field, op_tok),
            "~" | "matches" | "!~" => {
                let (lit, t) = self.value(op_tok)?;
                let re = regex::RegexBuilder::new(&lit.text)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|e| {
                        let why = match e {
                            regex::Error::CompiledTooBig(_) => "it is too large".to_string(),
                            other => other
                                .to_string()
                                .lines()
                                .last()
                                .unwrap_or("")
                                .trim()
                                .to_string(),
                        };
                        err(
                            t.at,
                            t.len,
                            format!("This regular expression cannot be used: {why}."),
                        )
                    })?;
                let node = Node::Matches(field, re);
                return Ok(if op == "!~" {
                    Node::Not(Box::new(node))
                } else {
                    node
                });
            }
            "=" => compare(Op::Eq)?,
            "!=" => compare(Op::Ne)?,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "contains" => Op::Contains,
            other => unreachable!("operator {other}"),
        };
        let (lit, _) = self.value(op_tok)?;
        Ok(Node::Compare(field, op, lit))
    }

    fn list(&mut self, field: Field, in_tok: &Token) -> Result<Node, QueryError> {
        match self.next() {
            Some(Token {
                tok: Tok::LParen, ..
            }) => {}
            Some(t) => {
                return Err(err(
                    t.at,
                    t.len,
                    "Expected '(' after 'in', as in: in (eu, us).",
                ))
            }
            None => {
                return Err(err(
                    in_tok.at + in_tok.len,
                    0,
                    "Expected a list after 'in', as in: in (eu, us).",
                ))
            }
        }
        let mut values = Vec::new();
        loop {
            let (lit, _) = self.value(in_tok)?;
            values.push(lit);
            match self.next() {
                Some(Token {
                    tok: Tok::Comma, ..
                }) => continue,
                Some(Token {
                    tok: Tok::RParen, ..
                }) => break,
                Some(t) => return Err(err(t.at, t.len, "Expected ',' or ')' in the list.")),
                None => return Err(self.at_end_err("The list is never closed: add a ')'.")),
            }
        }
        Ok(Node::In(field, values))
    }
}

fn op_text(t: &Token) -> String {
    match &t.tok {
        Tok::Sym(s) => s.to_string(),
        Tok::Word(w) => w.clone(),
        _ => String::new(),
    }
}

/// A case-insensitive search for the text as typed.
fn text_regex(text: &str) -> Regex {
    regex::RegexBuilder::new(&regex::escape(text))
        .case_insensitive(true)
        .build()
        .expect("an escaped literal always compiles")
}

/// A field alone, as a facet names it.
pub(crate) fn field_of(text: &str) -> Result<Field, QueryError> {
    if text.is_empty() {
        return Err(err(
            0,
            0,
            "Name a field: a body path (status), @attribute or $system field.",
        ));
    }
    field(text, 0, text.chars().count())
}

fn field(word: &str, at: usize, len: usize) -> Result<Field, QueryError> {
    if let Some(name) = word.strip_prefix('@') {
        if name.is_empty() {
            return Err(err(
                at,
                len,
                "Expected an attribute name after '@' (for example @region).",
            ));
        }
        return Ok(Field::Attribute(name.to_string()));
    }
    if word.starts_with('$') {
        return System::named(word).map(Field::System).ok_or_else(|| {
            let known: Vec<&str> = System::NAMES.iter().map(|(n, _)| *n).collect();
            err(
                at,
                len,
                format!(
                    "{word} is not a system field; these are: {}.",
                    known.join(", ")
                ),
            )
        });
    }
    PathPattern::parse(word)
        .map(Field::Body)
        .map_err(|(offset, why)| err(at + offset, 1, why))
}

impl PathPattern {
    /// `customer.tier`, `items[0].sku`, `items[].sku`, `items[*].sku`, `[0].id`. On error: the
    /// character offset and a sentence.
    pub fn parse(text: &str) -> Result<PathPattern, (usize, String)> {
        let chars: Vec<char> = text.chars().collect();
        let mut segs = Vec::new();
        let mut i = 0;
        let mut key = String::new();
        let mut expect_key = true;
        while i < chars.len() {
            match chars[i] {
                '.' => {
                    if expect_key && key.is_empty() {
                        return Err((i, "Expected a field name before this '.'.".into()));
                    }
                    if !key.is_empty() {
                        segs.push(Segment::Key(std::mem::take(&mut key)));
                    }
                    expect_key = true;
                    i += 1;
                }
                '[' => {
                    if !key.is_empty() {
                        segs.push(Segment::Key(std::mem::take(&mut key)));
                    }
                    let close = chars[i..].iter().position(|&c| c == ']').map(|p| p + i);
                    let Some(close) = close else {
                        return Err((i, "This '[' is never closed: add a ']'.".into()));
                    };
                    let inside: String = chars[i + 1..close].iter().collect();
                    match inside.trim() {
                        "" | "*" => segs.push(Segment::AnyIndex),
                        n => match n.parse::<u32>() {
                            Ok(n) => segs.push(Segment::Index(n)),
                            Err(_) => {
                                return Err((
                                    i + 1,
                                    format!("Expected a position (0, 1, …), '*' or nothing between [ and ], not '{n}'."),
                                ))
                            }
                        },
                    }
                    expect_key = false;
                    i = close + 1;
                }
                ']' => return Err((i, "This ']' has no '['.".into())),
                c => {
                    key.push(c);
                    expect_key = false;
                    i += 1;
                }
            }
        }
        if !key.is_empty() {
            segs.push(Segment::Key(key));
        } else if expect_key {
            return Err((
                chars.len().saturating_sub(1),
                "Expected a field name after '.'.".into(),
            ));
        }
        Ok(PathPattern(segs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(q: &str) -> String {
        fn s(n: &Node) -> String {
            match n {
                Node::All => "all".into(),
                Node::Text(r) => format!("text({})", r.as_str()),
                Node::Compare(f, op, l) => format!("{f:?} {op:?} {}", l.text),
                Node::Matches(f, r) => format!("{f:?} ~ {}", r.as_str()),
                Node::In(f, v) => format!(
                    "{f:?} in [{}]",
                    v.iter()
                        .map(|l| l.text.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                Node::Exists(f) => format!("{f:?} exists"),
                Node::Not(n) => format!("not({})", s(n)),
                Node::And(v) => format!("and({})", v.iter().map(s).collect::<Vec<_>>().join("; ")),
                Node::Or(v) => format!("or({})", v.iter().map(s).collect::<Vec<_>>().join("; ")),
            }
        }
        s(&parse(q).unwrap_or_else(|e| panic!("{q}: {e}")).root)
    }

    #[test]
    fn bare_words_are_text_and_adjacent_terms_are_joined_by_and() {
        assert_eq!(shape("failed"), "text(failed)");
        assert_eq!(shape("failed gold"), "and(text(failed); text(gold))");
        assert_eq!(shape("\"two words\""), "text(two words)");
        assert_eq!(shape("   "), "all");
        assert_eq!(shape("order-123"), "text(order\\-123)");
    }

    #[test]
    fn fields_operators_and_precedence() {
        assert_eq!(
            shape("status = failed and customer.tier = gold or @region = eu"),
            "or(and(Body(PathPattern([Key(\"status\")])) Eq failed; Body(PathPattern([Key(\"customer\"), Key(\"tier\")])) Eq gold); Attribute(\"region\") Eq eu)"
        );
        assert_eq!(
            shape("not (a=1 || b!=2) && $receives >= 3"),
            "and(not(or(Body(PathPattern([Key(\"a\")])) Eq 1; Body(PathPattern([Key(\"b\")])) Ne 2)); System(Receives) Ge 3)"
        );
        assert_eq!(
            shape("items[].sku in (A-1, 'B 2')"),
            "Body(PathPattern([Key(\"items\"), AnyIndex, Key(\"sku\")])) in [A-1,B 2]"
        );
        assert_eq!(shape("@region"), "Attribute(\"region\") exists");
        assert_eq!(shape("-failed"), "not(text(failed))");
        assert_eq!(
            shape("body ~ '^ab+'"),
            "Body(PathPattern([Key(\"body\")])) ~ ^ab+"
        );
        assert_eq!(shape("x !~ y"), "not(Body(PathPattern([Key(\"x\")])) ~ y)");
    }

    #[test]
    fn errors_point_at_the_place_and_say_what_was_expected() {
        let e = |q: &str| parse(q).unwrap_err();
        let x = e("status =");
        assert_eq!(
            (x.at, x.message.contains("Expected a value after '='")),
            (8, true),
            "{x:?}"
        );
        let x = e("(status = failed");
        assert_eq!(x.at, 0, "{x:?}");
        assert!(x.message.contains("never closed"), "{x:?}");
        let x = e("a = 1)");
        assert_eq!(x.at, 5, "{x:?}");
        let x = e("= 3");
        assert!(x.message.contains("Expected a field before '='"), "{x:?}");
        let x = e("$nope = 1");
        assert!(x.message.contains("$receives"), "{x:?}");
        let x = e("a ~ '('");
        assert_eq!(x.at, 4, "{x:?}");
        assert!(x.message.contains("regular expression"), "{x:?}");
        let x = e("a in eu");
        assert!(x.message.contains("in (eu, us)"), "{x:?}");
        let x = e("'open");
        assert!(x.message.contains("closing"), "{x:?}");
        let x = e("a..b = 1");
        assert_eq!(x.at, 2, "{x:?}");
        let x = e("not");
        assert!(x.message.contains("after 'not'"), "{x:?}");
    }

    #[test]
    fn length_and_depth_are_bounded() {
        let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        let e = parse(&deep).unwrap_err();
        assert!(
            e.message.contains("at most 4096") || e.message.contains("nested too deeply"),
            "{e:?}"
        );
        let deep = format!("{}a{}", "(".repeat(100), ")".repeat(100));
        assert!(parse(&deep)
            .unwrap_err()
            .message
            .contains("nested too deeply"));
        let nots = "not ".repeat(1000) + "a";
        assert!(parse(&nots)
            .unwrap_err()
            .message
            .contains("nested too deeply"));
        assert!(parse(&format!("{}a{}", "(".repeat(60), ")".repeat(60))).is_ok());
    }

    #[test]
    fn literals_are_read_as_numbers_times_and_booleans() {
        let l = Literal::new("2026-12-01".into(), false);
        assert_eq!(l.time_ms, Some(1_796_083_200_000));
        assert_eq!(
            Literal::new("2026-12-01T00:00:01Z".into(), false).time_ms,
            Some(1_796_083_201_000)
        );
        assert_eq!(Literal::new("12.5".into(), false).number, Some(12.5));
        assert_eq!(Literal::new("true".into(), false).boolean, Some(true));
        assert_eq!(Literal::new("true".into(), true).boolean, None);
        assert_eq!(Literal::new("NaN".into(), false).number, None);
    }
}
