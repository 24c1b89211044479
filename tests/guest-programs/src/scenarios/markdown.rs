//! Hostile texts in a descriptor the host accepts (only names are restricted to a pattern):
//! the action's title, description and input field names hold a `\|` that would end a table
//! cell, raw `<script>`, `<iframe>` and `<img onerror>` tags, `javascript:` links and
//! autolinks, an unclosed HTML comment and backticks. `describe --markdown` must show them as
//! text, never as live Markdown or HTML. Running it does nothing.

use serde_json::{json, Value};

/// The title: a cell boundary after an escaping backslash, and a tag.
pub const TITLE: &str = r"Looks fine\| injected cell | <b>bold</b>";

/// The description: every way a text could become live HTML or a link.
pub const DESCRIPTION: &str = "<script>alert('desc')</script> <iframe src=\"https://evil.example/\"></iframe> \
     <img src=x onerror=alert(1)> [click me](javascript:alert(1)) <javascript:alert(2)> \
     ![pixel](https://evil.example/p.png) `code` ``x`` **loud** &#106;avascript: <!-- everything after this is hidden";

/// The input schema: property names are texts too.
pub fn input_schema() -> String {
    json!({
        "type": "object",
        "properties": {
            "<img src=x onerror=alert(3)>": {"type": "string"},
            "a|b": {"type": "string"},
            "`tick`": {"type": "string", "description": "<!-- unclosed"}
        },
        "required": ["a|b"]
    })
    .to_string()
}

pub fn run() -> Value {
    json!({})
}
