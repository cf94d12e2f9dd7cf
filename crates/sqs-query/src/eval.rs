//! Matching: a parsed query bound to a store's interned paths ([`Compiled`]), then asked of each
//! message ([`Subject`]). A field may hold several values (`items.sku`); a comparison holds when
//! any of them satisfies it, and `a != b` is `not (a = b)`, so a message without `a` matches it.
//! Numbers compare as numbers, times as times (`$sent > 2026-12-01`), other text as text; `=` is
//! exact, `contains` and bare words ignore case. Time per message is linear in the query's size.

use std::borrow::Cow;
use std::cmp::Ordering;

use regex::Regex;

use crate::flat::{format_num, Flat, Interner, Scalar};
use crate::syntax::{parse_time, Field, Literal, Node, Op, Query, System};

/// A system attribute's value.
#[derive(Debug, Clone, PartialEq)]
pub enum SysValue<'a> {
    Str(&'a str),
    Num(f64),
    /// Milliseconds since the epoch.
    Time(i64),
}

/// What a query reads of a message.
pub trait Subject {
    fn body(&self) -> &str;
    fn flat(&self) -> &Flat;
    /// A message attribute's value (binary ones as base64), by its exact name.
    fn attribute(&self, name: &str) -> Option<&str>;
    /// Calls `f` with each attribute's name and value until it returns true; whether it did.
    fn any_attribute(&self, f: &mut dyn FnMut(&str, &str) -> bool) -> bool;
    fn system(&self, field: System) -> Option<SysValue<'_>>;
}

/// A field bound to the store: body paths resolved to the interned path ids they read.
#[derive(Debug, Clone)]
pub(crate) enum Bound {
    Body(Vec<bool>),
    Attribute(String),
    System(System),
}

#[derive(Debug, Clone)]
enum CNode {
    All,
    Text(Regex),
    Compare(Bound, Op, Literal),
    Matches(Bound, Regex),
    In(Bound, Vec<Literal>),
    Exists(Bound),
    Not(Box<CNode>),
    And(Vec<CNode>),
    Or(Vec<CNode>),
}

/// A query ready to match the messages of one store (made again when new paths appear).
#[derive(Debug, Clone)]
pub struct Compiled {
    root: CNode,
}

pub(crate) fn bind(field: &Field, interner: &Interner) -> Bound {
    match field {
        Field::Body(p) => Bound::Body(interner.resolve(p)),
        Field::Attribute(a) => Bound::Attribute(a.clone()),
        Field::System(s) => Bound::System(*s),
    }
}

impl Query {
    /// Binds the query's paths to the paths the store has seen.
    pub fn compile(&self, interner: &Interner) -> Compiled {
        fn go(n: &Node, i: &Interner) -> CNode {
            match n {
                Node::All => CNode::All,
                Node::Text(r) => CNode::Text(r.clone()),
                Node::Compare(f, Op::Contains, l) => CNode::Matches(
                    bind(f, i),
                    regex::RegexBuilder::new(&regex::escape(&l.text))
                        .case_insensitive(true)
                        .build()
                        .expect("an escaped literal always compiles"),
                ),
                Node::Compare(f, op, l) => CNode::Compare(bind(f, i), *op, l.clone()),
                Node::Matches(f, r) => CNode::Matches(bind(f, i), r.clone()),
                Node::In(f, v) => CNode::In(bind(f, i), v.clone()),
                Node::Exists(Field::Body(p)) => CNode::Exists(Bound::Body(i.resolve_under(p))),
                Node::Exists(f) => CNode::Exists(bind(f, i)),
                Node::Not(n) => CNode::Not(Box::new(go(n, i))),
                Node::And(v) => CNode::And(v.iter().map(|n| go(n, i)).collect()),
                Node::Or(v) => CNode::Or(v.iter().map(|n| go(n, i)).collect()),
            }
        }
        Compiled {
            root: go(&self.root, interner),
        }
    }
}

/// One value of a field.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(&'a str),
    Time(i64),
}

impl Val<'_> {
    pub(crate) fn text(&self) -> Cow<'_, str> {
        match self {
            Val::Null => "null".into(),
            Val::Bool(b) => b.to_string().into(),
            Val::Num(n) => format_num(*n).into(),
            Val::Str(s) => Cow::Borrowed(s),
            Val::Time(ms) => jiff::Timestamp::from_millisecond(*ms)
                .map(|t| t.to_string())
                .unwrap_or_else(|_| ms.to_string())
                .into(),
        }
    }
}

/// Calls `f` with each value of the field until it returns true; whether it did.
pub(crate) fn any_value<S: Subject + ?Sized>(
    s: &S,
    field: &Bound,
    f: &mut dyn FnMut(Val<'_>) -> bool,
) -> bool {
    match field {
        Bound::Body(ids) => s.flat().leaves.iter().any(|(id, v)| {
            ids.get(*id as usize).copied().unwrap_or(false)
                && f(match v {
                    Scalar::Null => Val::Null,
                    Scalar::Bool(b) => Val::Bool(*b),
                    Scalar::Num(n) => Val::Num(*n),
                    Scalar::Str(_) | Scalar::Span(..) => Val::Str(v.str(s.body()).unwrap_or("")),
                })
        }),
        Bound::Attribute(name) => s.attribute(name).is_some_and(|v| f(Val::Str(v))),
        Bound::System(sys) => match s.system(*sys) {
            None => false,
            Some(SysValue::Str(t)) => f(Val::Str(t)),
            Some(SysValue::Num(n)) => f(Val::Num(n)),
            Some(SysValue::Time(t)) => f(Val::Time(t)),
        },
    }
}

const DAY_MS: i64 = 86_400_000;

fn equal(v: &Val<'_>, lit: &Literal) -> bool {
    match v {
        Val::Null => lit.null,
        Val::Bool(b) => lit.boolean == Some(*b),
        Val::Num(n) => lit.number == Some(*n),
        Val::Time(t) => match lit.time_ms {
            // A date alone names its whole (UTC) day.
            Some(day) if lit.text.trim().len() == 10 => (day..day + DAY_MS).contains(t),
            Some(at) => at == *t,
            None => lit.number.is_some_and(|n| n as i64 == *t),
        },
        Val::Str(s) => {
            *s == lit.text
                || lit.time_ms.is_some_and(|at| {
                    parse_time(s).is_some_and(|t| {
                        if is_day(lit) {
                            (at..at + DAY_MS).contains(&t)
                        } else {
                            t == at
                        }
                    })
                })
                || (lit.number.is_some()
                    && s.trim().parse::<f64>().ok() == lit.number
                    && !s.trim().is_empty())
        }
    }
}

fn order(v: &Val<'_>, lit: &Literal) -> Option<Ordering> {
    match v {
        Val::Null | Val::Bool(_) => None,
        Val::Num(n) => n.partial_cmp(&lit.number?),
        Val::Time(t) => match (lit.time_ms, lit.number) {
            (Some(at), _) => Some(t.cmp(&at)),
            (None, Some(n)) => (*t as f64).partial_cmp(&n),
            _ => None,
        },
        Val::Str(s) => {
            if let (Some(at), Some(t)) = (lit.time_ms, parse_time(s)) {
                return Some(t.cmp(&at));
            }
            if let Some(n) = lit.number {
                return s.trim().parse::<f64>().ok()?.partial_cmp(&n);
            }
            Some((*s).cmp(lit.text.as_str()))
        }
    }
}

/// A literal that is a date alone (`2026-12-01`) names its whole UTC day.
fn is_day(lit: &Literal) -> bool {
    lit.time_ms.is_some() && lit.text.trim().len() == 10
}

/// A value's time, if it has one (a system time, or text that reads as a time).
fn time_of(v: &Val<'_>) -> Option<i64> {
    match v {
        Val::Time(t) => Some(*t),
        Val::Str(s) => parse_time(s),
        _ => None,
    }
}

fn compare(v: &Val<'_>, op: Op, lit: &Literal) -> bool {
    if let (true, Some(day), Some(t)) = (is_day(lit), lit.time_ms, time_of(v)) {
        let next = day + DAY_MS;
        return match op {
            Op::Eq | Op::Ne => (day..next).contains(&t),
            Op::Lt => t < day,
            Op::Le => t < next,
            Op::Gt => t >= next,
            Op::Ge => t >= day,
            Op::Contains => unreachable!("compiled to a regex"),
        };
    }
    match op {
        Op::Eq | Op::Ne => equal(v, lit),
        Op::Lt => order(v, lit) == Some(Ordering::Less),
        Op::Le => matches!(order(v, lit), Some(Ordering::Less | Ordering::Equal)),
        Op::Gt => order(v, lit) == Some(Ordering::Greater),
        Op::Ge => matches!(order(v, lit), Some(Ordering::Greater | Ordering::Equal)),
        Op::Contains => unreachable!("compiled to a regex"),
    }
}

impl Compiled {
    /// Whether the message matches.
    pub fn matches<S: Subject + ?Sized>(&self, s: &S) -> bool {
        eval(&self.root, s)
    }

    /// Whether the query matches every message (nothing typed).
    pub fn is_all(&self) -> bool {
        matches!(self.root, CNode::All)
    }
}

fn eval<S: Subject + ?Sized>(n: &CNode, s: &S) -> bool {
    match n {
        CNode::All => true,
        CNode::Text(re) => {
            re.is_match(s.body()) || s.any_attribute(&mut |k, v| re.is_match(k) || re.is_match(v))
        }
        CNode::Compare(f, Op::Ne, lit) => !any_value(s, f, &mut |v| equal(&v, lit)),
        CNode::Compare(f, op, lit) => any_value(s, f, &mut |v| compare(&v, *op, lit)),
        CNode::Matches(f, re) => any_value(s, f, &mut |v| re.is_match(&v.text())),
        CNode::In(f, lits) => any_value(s, f, &mut |v| lits.iter().any(|l| equal(&v, l))),
        CNode::Exists(f) => any_value(s, f, &mut |_| true),
        CNode::Not(n) => !eval(n, s),
        CNode::And(v) => v.iter().all(|n| eval(n, s)),
        CNode::Or(v) => v.iter().any(|n| eval(n, s)),
    }
}
