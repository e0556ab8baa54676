//! Building messages without `core::fmt`.
//!
//! `format!` pulls the formatting machinery (`Formatter`, padding, `fmt::write`) into the
//! wasm; building strings from pieces does the same job for what we write (text and whole
//! numbers) in a fraction of the bytes.

use alloc::string::String;

#[doc(hidden)]
pub use alloc::string::String as __String;

/// Concatenates pieces (anything [`Piece`]: text, whole numbers, [`Padded`]) into a new
/// `String`: `cat!("HTTP ", status, " with an empty body")`. Exported for the wasm crate, so
/// that no message there needs `format!` either.
#[macro_export]
macro_rules! cat {
    ($($piece:expr),* $(,)?) => {{
        let mut out = $crate::text::__String::new();
        $( $crate::text::Piece::push_to(&$piece, &mut out); )*
        out
    }};
}

/// Something `cat!` can append to a string.
pub trait Piece {
    /// Appends `self` to `out`.
    fn push_to(&self, out: &mut String);
}

impl Piece for str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for char {
    fn push_to(&self, out: &mut String) {
        out.push(*self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

/// Whole numbers in decimal, as `{}` would write them.
macro_rules! decimal_piece {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn push_to(&self, out: &mut String) {
                Padded(i64::from(*self), 1).push_to(out);
            }
        }
    )*};
}
decimal_piece!(u8, u16, u32, i32, i64);

impl Piece for u64 {
    fn push_to(&self, out: &mut String) {
        // Every u64 we write (milliseconds, counts) fits an i64; saturate rather than wrap.
        Padded(i64::try_from(*self).unwrap_or(i64::MAX), 1).push_to(out);
    }
}

impl Piece for usize {
    fn push_to(&self, out: &mut String) {
        (*self as u64).push_to(out);
    }
}

/// A whole number zero-padded to at least `.1` digits, as `{:0N}` would write it.
pub struct Padded(pub i64, pub usize);

impl Piece for Padded {
    fn push_to(&self, out: &mut String) {
        let Padded(n, width) = *self;
        // As with `{:04}`, the sign counts towards the width.
        let width = width.saturating_sub(usize::from(n < 0));
        if n < 0 {
            out.push('-');
        }
        let mut digits = [0u8; 20];
        let mut len = 0;
        let mut rest = n.unsigned_abs();
        loop {
            digits[len] = b'0' + (rest % 10) as u8;
            len += 1;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        for _ in len..width {
            out.push('0');
        }
        for &d in digits[..len].iter().rev() {
            out.push(char::from(d));
        }
    }
}

/// Byte offset of the first `needle` in `hay`. A plain scan: our texts are short, and std's
/// two-way substring searcher costs ~3 KB of wasm. (A match of valid UTF-8 in valid UTF-8
/// always starts on a character boundary, so the offset can slice `hay`.)
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    if n.len() > h.len() {
        return None;
    }
    let first = *n.first()?;
    (0..=h.len() - n.len()).find(|&i| h[i] == first && &h[i..i + n.len()] == n)
}

/// Byte offset of the last `needle` in `hay` (see [`find`]).
pub fn rfind(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len())
        .rev()
        .find(|&i| &h[i..i + n.len()] == n)
}

/// The value of `s` when it is 1 to `max_digits` ASCII digits (no sign, no spaces;
/// `max_digits` at most 19, so it cannot overflow). One reader for every whole number we
/// parse: each `str::parse` of another integer type links its own copy.
pub fn decimal(s: &str, max_digits: usize) -> Option<u64> {
    if s.is_empty() || s.len() > max_digits.min(19) {
        return None;
    }
    s.bytes().try_fold(0u64, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    #[test]
    fn writes_what_format_writes() {
        for n in [0i64, 7, -7, 10, 99, 2026, -100, i64::MAX, i64::MIN] {
            assert_eq!(cat!(n), format!("{n}"));
            assert_eq!(cat!(Padded(n, 4)), format!("{n:04}"));
        }
        assert_eq!(cat!(u64::MAX), format!("{}", i64::MAX), "saturates");
        assert_eq!(cat!(503u16, 'x', "a", String::from("b"), 3usize), "503xab3");
    }

    #[test]
    fn plain_substring_search() {
        assert_eq!(find("a/openapi/b", "/openapi/"), Some(1));
        assert_eq!(find("ab", "abc"), None);
        assert_eq!(find("abc", ""), Some(0));
        assert_eq!(rfind("x:y:z", ":"), Some(3));
        assert_eq!(rfind("ab", "abc"), None);
    }

    #[test]
    fn decimals() {
        assert_eq!(decimal("0", 1), Some(0));
        assert_eq!(decimal("0042", 4), Some(42));
        assert_eq!(
            decimal("9999999999999999999", 30),
            Some(9_999_999_999_999_999_999)
        );
        assert_eq!(decimal("12345", 4), None, "too long");
        for bad in ["", "+1", "-1", " 1", "1 ", "1.0", "1e3", "١"] {
            assert_eq!(decimal(bad, 10), None, "{bad:?}");
        }
    }
}
