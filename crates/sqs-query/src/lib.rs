//! The query language of the message workbench: what a user types into the filter box, over
//! the messages a poll loaded. A bare word is today's text search; `status = failed`,
//! `customer.tier in (gold, platinum)`, `@region = eu`, `$receives > 3`, `not`, `and`, `or` and
//! parentheses narrow it down. JSON bodies are flattened once into interned leaf paths, so a
//! query over 100,000 messages touches no JSON parser. No I/O, no AWS: the core's message store
//! holds the messages and calls this crate.
//!
//! - `syntax`: tokens and the parser (bounded length and depth; errors point at the place).
//! - `flat`: a JSON body as leaves under interned paths; path patterns (`items[].sku`).
//! - `eval`: a parsed query bound to the paths seen so far, matched against a message.
//! - `facets`: the top values of a field, and the field names to complete.

mod eval;
mod facets;
mod flat;
mod syntax;

pub use eval::{Compiled, Subject, SysValue};
pub use facets::{completions, facet, parse_field, FacetValue};
pub use flat::{Flat, Interner, PathPattern, Scalar, Segment};
pub use syntax::{parse, Field, Query, QueryError, System, MAX_DEPTH, MAX_QUERY_CHARS};
