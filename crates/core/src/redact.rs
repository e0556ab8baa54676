//! Taking secrets out of text that may echo what we sent: a gateway's string-to-sign (it
//! shows the STS token), a proxy's error page, a `Recommend` link with our headers in it.
//!
//! One pass over the text: at each position the longest secret that starts there is replaced
//! and the scan continues after it, so an inserted marker is never scanned again. (Replacing
//! one secret after the other would replace a short secret inside the marker put in for an
//! earlier one, and the broken markers could spell part of a secret again.) Each secret is
//! also looked for in its percent-encoded form, as a URL or a form body would carry it.

use crate::prelude::*;
use crate::signing::encode::percent_encode;

/// What replaces a secret in text.
pub const REDACTED: &str = "<redacted>";

/// The secrets to take out of text: each given value, and its percent-encoded form where
/// that differs. Empty values are ignored.
#[derive(Clone, Default)]
pub struct Secrets {
    needles: Vec<String>,
}

impl Secrets {
    /// The secrets `values` (`None` and empty values are skipped).
    pub fn new<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> Self {
        let mut needles: Vec<String> = Vec::new();
        for value in values.into_iter().flatten().filter(|v| !v.is_empty()) {
            let encoded = percent_encode(value);
            if encoded != value {
                needles.push(encoded);
            }
            needles.push(value.into());
        }
        Secrets { needles }
    }

    /// `text` with every secret replaced by [`REDACTED`], in one pass (see the module docs).
    pub fn redact(&self, text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        // `kept` is where the text not yet copied starts; `at` scans byte by byte. A match of
        // valid UTF-8 in valid UTF-8 starts and ends on character boundaries, so slicing at
        // `kept..at` and after a match is safe.
        let (mut kept, mut at) = (0, 0);
        while at < bytes.len() {
            let longest = self
                .needles
                .iter()
                .filter(|n| bytes[at..].starts_with(n.as_bytes()))
                .map(String::len)
                .max();
            match longest {
                Some(len) => {
                    out.push_str(&text[kept..at]);
                    out.push_str(REDACTED);
                    at += len;
                    kept = at;
                }
                None => at += 1,
            }
        }
        out.push_str(&text[kept..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(text: &str, secrets: &[&str]) -> String {
        Secrets::new(secrets.iter().map(|s| Some(*s))).redact(text)
    }

    #[test]
    fn replaces_every_occurrence_of_every_secret() {
        assert_eq!(
            redact("a s3cret b tok c s3cret", &["s3cret", "tok"]),
            "a <redacted> b <redacted> c <redacted>"
        );
        assert_eq!(redact("nothing here", &["s3cret"]), "nothing here");
        assert_eq!(redact("", &["s3cret"]), "");
        assert_eq!(
            redact("keep", &[""]),
            "keep",
            "an empty secret matches nothing"
        );
    }

    #[test]
    fn the_longest_secret_at_a_position_wins() {
        // A short secret inside a longer token must not leave the token's pieces visible.
        assert_eq!(redact("xTOKENabcx", &["abc", "TOKENabc"]), "x<redacted>x");
    }

    #[test]
    fn markers_are_never_scanned_again() {
        // Found by fuzzing: secret `c`, clientToken `d> <reda`. Replacing one needle after the
        // other turned `<redacted>` into `<reda<redacted>ted>` and spelt the token again.
        let out = redact("c d> <reda d> <redac", &["c", "d> <reda"]);
        assert_eq!(out, "<redacted> <redacted> <redacted><redacted>");
        let visible = out.replace(REDACTED, "\0");
        assert!(
            !visible.contains("d> <reda") && !visible.contains('c'),
            "{out}"
        );
    }

    #[test]
    fn percent_encoded_forms_are_redacted_too() {
        // A V1 signature (base64) echoed in a URL, e.g. a Recommend link.
        let sig = "ab+/cd==";
        let out = redact(
            "https://x/?auth=acs%20id%3Aab%2B%2Fcd%3D%3D&q=ab+/cd==",
            &[sig],
        );
        assert_eq!(out, "https://x/?auth=acs%20id%3A<redacted>&q=<redacted>");
    }

    #[test]
    fn non_ascii_text_and_secrets() {
        assert_eq!(redact("é秘密é", &["秘密"]), "é<redacted>é");
        assert_eq!(redact("é%E7%A7%98%E5%AF%86é", &["秘密"]), "é<redacted>é");
    }
}
