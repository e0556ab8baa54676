//! SHA-1's block function (FIPS 180-4 §6.1.2), for V1 signatures only; `hash.rs` pads and
//! keys it.
//!
//! Written here rather than taken from the `sha1` crate: its fully unrolled compression is
//! about 4 KB of the shipped wasm, to hash the one short text each V1 signature needs; with
//! this loop the wasm is 2.7 KB smaller (0.7 KB gzip), for about 2 µs more per V1 signature.
//! `hash.rs`'s tests pin it (FIPS 180's examples, RFC 2202's HMAC-SHA1 cases, a property test
//! against the `sha1` and `hmac` crates, dev-dependencies), and so do Alibaba's V1 vectors.

/// One block into the state (FIPS 180-4 §6.1.2).
/// The state is `hash.rs`'s 8 words, of which SHA-1 uses the first 5.
pub(super) fn compress(state: &mut [u32; 8], block: &[u8; 64]) {
    let mut w = [0u32; 80];
    for t in 0..80 {
        w[t] = if t < 16 {
            let b = &block[4 * t..4 * t + 4];
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        } else {
            (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotate_left(1)
        };
    }
    let [mut a, mut b, mut c, mut d, mut e, ..] = *state;
    // One round with f_t's value and K_t (§4.1.1, §4.2.1).
    macro_rules! round {
        ($word:expr, $f:expr, $k:expr) => {{
            let temp = a
                .rotate_left(5)
                .wrapping_add($f)
                .wrapping_add(e)
                .wrapping_add($k)
                .wrapping_add($word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = temp;
        }};
    }
    // A loop per f_t (Ch, Parity, Maj, Parity): no choice to make in every round.
    for &word in &w[..20] {
        round!(word, (b & c) | (!b & d), 0x5A82_7999);
    }
    for &word in &w[20..40] {
        round!(word, b ^ c ^ d, 0x6ED9_EBA1);
    }
    for &word in &w[40..60] {
        round!(word, (b & c) | (b & d) | (c & d), 0x8F1B_BCDC);
    }
    for &word in &w[60..] {
        round!(word, b ^ c ^ d, 0xCA62_C1D6);
    }
    for (word, add) in state.iter_mut().zip([a, b, c, d, e]) {
        *word = word.wrapping_add(add);
    }
}
