//! A small, strict JSON reader for the API's flat answers, and a string writer.
//!
//! serde_json would cost tens of kilobytes of wasm for two fields; this reads any JSON text
//! (so nested extras such as `AccessDeniedDetail` do not break parsing), keeps strings, and
//! only checks the syntax of numbers. It never panics: bad input is `None`.

use crate::prelude::*;

/// Appends `s` to `out` as a JSON string literal (quotes included). Escapes `"`, `\` and
/// control characters; everything else, non-ASCII included, is written as is.
pub fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    // Byte by byte: what needs escaping is ASCII, and an ASCII byte is never part of a
    // multi-byte character, so the text between escapes is copied in whole runs.
    let mut copied = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b == b'"' || b == b'\\' || b < 0x20 {
            out.push_str(&s[copied..i]);
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                _ => {
                    out.push_str("\\u00");
                    out.push(char::from(HEX[usize::from(b >> 4)]));
                    out.push(char::from(HEX[usize::from(b & 15)]));
                }
            }
            copied = i + 1;
        }
    }
    out.push_str(&s[copied..]);
    out.push('"');
}

/// Writes a JSON object member by member: results cross into JS as one text for
/// `JSON.parse`, which is smaller in wasm and faster than setting properties one by one.
#[derive(Default)]
pub struct ObjectWriter {
    out: String,
}

impl ObjectWriter {
    /// An empty object.
    pub fn new() -> Self {
        ObjectWriter::default()
    }

    fn key(&mut self, key: &str) -> &mut String {
        self.out.push(if self.out.is_empty() { '{' } else { ',' });
        write_string(&mut self.out, key);
        self.out.push(':');
        &mut self.out
    }

    /// `"key": "value"`.
    pub fn string(&mut self, key: &str, value: &str) -> &mut Self {
        write_string(self.key(key), value);
        self
    }

    /// `"key": "value"` when there is a value.
    pub fn optional(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.string(key, v);
        }
        self
    }

    /// `"key": 123`.
    pub fn number(&mut self, key: &str, value: u64) -> &mut Self {
        let text = cat!(value);
        self.key(key).push_str(&text);
        self
    }

    /// `"key": true`.
    pub fn boolean(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key).push_str(if value { "true" } else { "false" });
        self
    }

    /// `"key": <json>`, for JSON text written elsewhere.
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key).push_str(json);
        self
    }

    /// The object's text.
    pub fn finish(&mut self) -> String {
        if self.out.is_empty() {
            self.out.push('{');
        }
        self.out.push('}');
        core::mem::take(&mut self.out)
    }
}

/// A parsed JSON value. Numbers keep their text: the answers only need whole numbers (a total
/// count, a port), read with [`Value::as_u64`], and float parsing is large in wasm.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, in document order.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The member `key` of an object: exact name first, then ignoring ASCII case (some
    /// gateways and proxies answer `code`/`message` instead of `Code`/`Message`).
    pub fn get(&self, key: &str) -> Option<&Value> {
        let Value::Object(members) = self else {
            return None;
        };
        members
            .iter()
            .find(|(k, _)| k == key)
            .or_else(|| members.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))
            .map(|(_, v)| v)
    }

    /// The value as a string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a whole number: a number written as digits only, or a string of digits
    /// (the official models type some counts and ports as strings). `None` otherwise.
    pub fn as_u64(&self) -> Option<u64> {
        let (Value::Number(text) | Value::String(text)) = self else {
            return None;
        };
        crate::text::decimal(text.trim(), 15)
    }
}

/// Deepest nesting accepted; deeper input is rejected rather than risking the stack.
const MAX_DEPTH: usize = 64;

/// Parses a whole JSON text (surrounding whitespace allowed).
pub fn parse(text: &str) -> Option<Value> {
    let mut p = Parser {
        text,
        s: text.as_bytes(),
        i: 0,
    };
    let v = p.value(0)?;
    p.ws();
    (p.i == p.s.len()).then_some(v)
}

/// The strings of a JSON array into which the package's JS packed several optional text
/// arguments (`null`: absent), in order, then `None` for ever. One string crossing instead of
/// one per argument: each costs wasm-bindgen's glue a dozen lines.
pub fn unpack(packed: &str) -> impl Iterator<Item = Option<String>> {
    let items = match parse(packed) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    items
        .into_iter()
        .map(|v| match v {
            Value::String(s) => Some(s),
            _ => None,
        })
        .chain(core::iter::repeat_with(|| None))
}

struct Parser<'a> {
    /// The text, for slicing runs out of it (they start and end at ASCII bytes, so on
    /// character boundaries).
    text: &'a str,
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.i += 1)
    }

    fn literal(&mut self, word: &[u8], v: Value) -> Option<Value> {
        self.s
            .get(self.i..self.i + word.len())
            .filter(|w| *w == word)?;
        self.i += word.len();
        Some(v)
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Value::String),
            b't' => self.literal(b"true", Value::Bool(true)),
            b'f' => self.literal(b"false", Value::Bool(false)),
            b'n' => self.literal(b"null", Value::Null),
            _ => self.number(),
        }
    }

    fn object(&mut self, depth: usize) -> Option<Value> {
        self.eat(b'{')?;
        let mut members = Vec::new();
        self.ws();
        if self.eat(b'}').is_some() {
            return Some(Value::Object(members));
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.ws();
            self.eat(b':')?;
            let v = self.value(depth + 1)?;
            // A repeated name has no agreed meaning (JSON.parse keeps the last, others the
            // first): an answer that says `Result` twice is not one we can read safely.
            if members.iter().any(|(k, _): &(String, Value)| *k == key) {
                return None;
            }
            members.push((key, v));
            self.ws();
            if self.eat(b',').is_none() {
                self.eat(b'}')?;
                return Some(Value::Object(members));
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Value> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']').is_some() {
            return Some(Value::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.ws();
            if self.eat(b',').is_none() {
                self.eat(b']')?;
                return Some(Value::Array(items));
            }
        }
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let start = p.i;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.i += 1;
            }
            (p.i > start).then_some(())
        };
        let _ = self.eat(b'-');
        if self.eat(b'0').is_none() {
            digits(self)?;
        }
        if self.eat(b'.').is_some() {
            digits(self)?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            digits(self)?;
        }
        let text = self.text.get(start..self.i)?;
        Some(Value::Number(text.into()))
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.i..self.i + 4)?;
        let mut n = 0u32;
        for &c in h {
            n = n * 16 + (c as char).to_digit(16)?;
        }
        self.i += 4;
        Some(n)
    }

    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            // Copy the run of plain bytes at once; the input is a &str, and we only stop on
            // ASCII bytes, so each run is valid UTF-8.
            let start = self.i;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.i += 1;
            }
            out.push_str(self.text.get(start..self.i)?);
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.i += 1;
                    let c = self.peek()?;
                    self.i += 1;
                    match c {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return None,
                    }
                }
                _ => return None, // a raw control character
            }
        }
    }

    /// `\uXXXX`, joining a surrogate pair; a lone surrogate becomes U+FFFD, as JS would show it.
    fn unicode_escape(&mut self) -> Option<char> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) && self.s.get(self.i..self.i + 2) == Some(b"\\u") {
            let save = self.i;
            self.i += 2;
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                return char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00));
            }
            self.i = save;
        }
        Some(char::from_u32(hi).unwrap_or('\u{FFFD}'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_api_answers() {
        let v = parse(r#" {"Result": true, "RequestId": "5A2C-\u00e9\ud83d\ude00\"x", "n": -1.5e3, "a": [null, {}], "d": {"x": false}} "#).unwrap();
        assert_eq!(v.get("Result"), Some(&Value::Bool(true)));
        assert_eq!(
            v.get("RequestId").and_then(Value::as_str),
            Some("5A2C-é😀\"x")
        );
        assert_eq!(
            v.get("requestid").and_then(Value::as_str),
            Some("5A2C-é😀\"x")
        );
        assert_eq!(v.get("n").and_then(Value::as_u64), None);
        assert_eq!(v.get("missing"), None);
    }

    #[test]
    fn whole_numbers_from_numbers_or_digit_strings() {
        let v = parse(r#"{"a": 42, "b": "9200", "c": 1.5, "d": -1, "e": "x", "f": 1e3}"#).unwrap();
        let n = |k: &str| v.get(k).and_then(Value::as_u64);
        assert_eq!((n("a"), n("b")), (Some(42), Some(9200)));
        assert_eq!((n("c"), n("d"), n("e"), n("f")), (None, None, None, None));
    }

    #[test]
    fn a_repeated_name_is_not_an_answer_we_read() {
        assert_eq!(parse(r#"{"Result":true,"Result":false}"#), None);
        assert_eq!(parse(r#"{"a":{"x":1,"x":2}}"#), None);
        assert!(
            parse(r#"{"x":1,"X":2}"#).is_some(),
            "names differ by case are distinct"
        );
    }

    #[test]
    fn writes_objects_that_read_back() {
        let text = ObjectWriter::new()
            .string("a", "x\"y")
            .optional("b", None)
            .optional("c", Some("é"))
            .number("n", 42)
            .boolean("t", true)
            .raw("r", "[1,{}]")
            .finish();
        assert_eq!(text, r#"{"a":"x\"y","c":"é","n":42,"t":true,"r":[1,{}]}"#);
        assert!(parse(&text).is_some());
        assert_eq!(ObjectWriter::new().finish(), "{}");
    }

    #[test]
    fn writes_strings_that_read_back() {
        for s in [
            "",
            "plain",
            "q\"b\\s/",
            "\u{0}\n\t\u{1f}\u{7f}",
            "é😀\u{2028}",
        ] {
            let mut out = String::new();
            write_string(&mut out, s);
            assert_eq!(parse(&out), Some(Value::String(s.into())), "{out}");
            assert!(!out[1..out.len() - 1].bytes().any(|b| b < 0x20), "{out}");
        }
        let mut out = String::new();
        write_string(&mut out, "a\"\u{1}");
        assert_eq!(out, r#""a\"\u0001""#);
    }

    #[test]
    fn rejects_what_is_not_json() {
        for bad in [
            "",
            " ",
            "<html>",
            "{",
            r#"{"Result": true"#,
            r#"{"a":}"#,
            "{\"a\":\"x\ny\"}",
            "01",
            "-",
            "1.",
            "tru",
            r#"{"a" 1}"#,
            "[1,]",
            r#"{"a":1,}"#,
            r#""\x""#,
            r#""\u12""#,
            "{} x",
            "\u{feff}{}",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn unpack_reads_packed_texts_then_none_for_ever() {
        let mut texts = unpack(r#"["a",null,"b",1]"#);
        assert_eq!(texts.next(), Some(Some("a".into())));
        assert_eq!(texts.next(), Some(None));
        assert_eq!(texts.next(), Some(Some("b".into())));
        assert_eq!(texts.next(), Some(None), "not a string: absent");
        assert_eq!(texts.next(), Some(None));
        assert_eq!(unpack("not json").next(), Some(None));
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert_eq!(parse(&deep), None);
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_some());
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(
            parse(r#""\ud800x""#),
            Some(Value::String("\u{FFFD}x".into()))
        );
        assert_eq!(parse(r#""\udc00""#), Some(Value::String("\u{FFFD}".into())));
    }
}
