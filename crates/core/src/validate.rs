//! Checks on every value that comes from the caller, run before anything is signed or sent.
//!
//! Each failure is a typed [`Error`] naming the field; messages never repeat a credential.

use crate::error::{codes, Error};

/// Longest instance id we accept. Real ids are about 20 characters (`es-cn-n6w1o1x0w001c`).
pub const MAX_INSTANCE_ID_LEN: usize = 64;
/// Longest clientToken the API accepts.
pub const MAX_CLIENT_TOKEN_LEN: usize = 64;
/// Longest region id we accept (real ones are like `cn-hangzhou`, `ap-southeast-1`).
pub const MAX_REGION_LEN: usize = 64;
/// Longest credential value we accept (STS tokens are long, but not this long).
pub const MAX_CREDENTIAL_LEN: usize = 4096;

/// An instance id: 1–64 characters of `[A-Za-z0-9_-]`, starting with a letter or digit.
///
/// Real ids only use these characters; anything else (a `/`, `..`, a space) is a mistake that
/// would otherwise become a confusing `InstanceNotFound` or reach another path.
pub fn instance_id(id: &str) -> Result<(), Error> {
    let bad = |why: &str| {
        Err(Error::invalid(
            codes::INVALID_INSTANCE_ID,
            "instanceId",
            cat!(
                "instanceId ",
                why,
                "; expected an id such as \"es-cn-n6w1o1x0w001c\""
            ),
        ))
    };
    if id.is_empty() {
        return bad("is empty");
    }
    if id.len() > MAX_INSTANCE_ID_LEN {
        return bad("is longer than 64 characters");
    }
    if !id.as_bytes()[0].is_ascii_alphanumeric() {
        return bad("must start with a letter or digit");
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return bad("may only contain letters, digits, '-' and '_'");
    }
    Ok(())
}

/// A clientToken: 1–64 printable ASCII characters (space included, as the API allows).
pub fn client_token(token: &str) -> Result<(), Error> {
    let bad = |why: &str| {
        Err(Error::invalid(
            codes::INVALID_CLIENT_TOKEN,
            "clientToken",
            cat!(
                "clientToken ",
                why,
                "; use 1 to 64 printable ASCII characters, or omit it"
            ),
        ))
    };
    if token.is_empty() {
        return bad("is empty");
    }
    if token.len() > MAX_CLIENT_TOKEN_LEN {
        return bad("is longer than 64 characters");
    }
    if !token.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return bad("has a character that is not printable ASCII");
    }
    Ok(())
}

/// A credential value (`accessKeyId`, `accessKeySecret`, `securityToken`): present, printable
/// ASCII (it travels in HTTP headers), no surrounding whitespace — a pasted key with a trailing
/// newline is the classic cause of a `SignatureDoesNotMatch` nobody can explain.
///
/// The message names the field and the problem, never the value.
pub fn credential(field: &'static str, value: &str) -> Result<(), Error> {
    let bad = |why: &str| {
        Err(Error::invalid(
            codes::INVALID_CREDENTIALS,
            field,
            cat!(field, " ", why),
        ))
    };
    if value.is_empty() {
        return bad("is empty");
    }
    if value.len() > MAX_CREDENTIAL_LEN {
        return bad("is longer than 4096 characters");
    }
    if value.trim() != value {
        return bad("has leading or trailing whitespace");
    }
    if !value.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return bad("has a control or non-ASCII character");
    }
    // The id is written into `Credential=<id>,…` and `acs <id>:<sig>`: separators would let
    // it change the meaning of the Authorization header.
    if field == "accessKeyId"
        && value
            .bytes()
            .any(|b| matches!(b, b' ' | b',' | b':' | b'='))
    {
        return bad("may not contain spaces, ',', ':' or '='");
    }
    Ok(())
}

/// A region id such as `cn-hangzhou`: lower-case letters and digits in `-`-separated parts.
pub fn region_id(region: &str) -> Result<(), Error> {
    let ok = !region.is_empty()
        && region.len() <= MAX_REGION_LEN
        && region.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            codes::INVALID_REGION,
            "regionId",
            "regionId must look like \"cn-hangzhou\": lower-case letters and digits separated by '-'",
        ))
    }
}

/// Longest signature nonce a caller may give (ours are 64 hex characters).
pub const MAX_NONCE_LEN: usize = 128;

/// A caller's signature nonce (`signOpenHttps`): 1–128 visible ASCII characters. It must also
/// be unique per request, which only the caller can ensure.
pub fn nonce(nonce: &str) -> Result<(), Error> {
    if !nonce.is_empty()
        && nonce.len() <= MAX_NONCE_LEN
        && nonce.bytes().all(|b| b.is_ascii_graphic())
    {
        return Ok(());
    }
    let msg = "nonce must be 1 to 128 visible ASCII characters, unique per request";
    Err(Error::invalid(codes::INVALID_CONFIG, "nonce", msg))
}

/// Longest `description` filter of ListInstance we send.
pub const MAX_DESCRIPTION_LEN: usize = 256;

/// A `description` filter: 1–256 characters, no control characters.
pub fn description(text: &str) -> Result<(), Error> {
    // One pass that counts and checks (`chars().count()` links a large counting routine).
    let mut chars = 0;
    let plain = text.chars().all(|c| {
        chars += 1;
        !c.is_control()
    });
    if plain && (1..=MAX_DESCRIPTION_LEN).contains(&chars) {
        return Ok(());
    }
    let msg = "description must be 1 to 256 characters without control characters";
    Err(Error::invalid(codes::INVALID_ARGUMENT, "description", msg))
}

/// A whole number in `min..=max` for the option `field` (a page number, a page size).
pub fn whole_number(field: &'static str, value: f64, min: u32, max: u32) -> Result<u32, Error> {
    if value >= f64::from(min) && value <= f64::from(max) && value == (value as u32) as f64 {
        return Ok(value as u32);
    }
    let msg = cat!(field, " must be a whole number from ", min, " to ", max);
    Err(Error::invalid(codes::INVALID_ARGUMENT, field, msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_ids() {
        for ok in [
            "es-cn-n6w1o1x0w001c",
            "es-active-1",
            "a",
            "A_b-9",
            &"x".repeat(64),
        ] {
            assert!(instance_id(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-es",
            "es/cn",
            "es cn",
            "es..",
            "..",
            "es%2F",
            "ésé",
            &"x".repeat(65),
            "es\n",
        ] {
            let err = instance_id(bad).unwrap_err();
            assert_eq!(err.code, codes::INVALID_INSTANCE_ID, "{bad:?}");
            assert_eq!(err.field, Some("instanceId"));
        }
    }

    #[test]
    fn client_tokens() {
        for ok in [
            "t",
            "token with  spaces",
            "5A2CFF0E-5718-45B5-9D4D-70B3FF000000",
            &"~".repeat(64),
        ] {
            assert!(client_token(ok).is_ok(), "{ok}");
        }
        for bad in ["", &"x".repeat(65), "tab\t", "né", "nul\0"] {
            let err = client_token(bad).unwrap_err();
            assert_eq!(err.code, codes::INVALID_CLIENT_TOKEN, "{bad:?}");
            assert_eq!(err.field, Some("clientToken"));
        }
    }

    #[test]
    fn credentials_are_checked_without_echoing_them() {
        assert!(credential("accessKeyId", "LTAI5tExample").is_ok());
        assert!(credential("accessKeySecret", "a/b+c=d:e f").is_ok());
        for bad in ["", " Sekr1t", "Sekr2t\n", "Sek\x07r3t", "Sékr4t"] {
            let err = credential("accessKeySecret", bad).unwrap_err();
            assert_eq!(err.code, codes::INVALID_CREDENTIALS);
            assert_eq!(err.field, Some("accessKeySecret"));
            if !bad.trim().is_empty() {
                assert!(!err.message.contains(bad.trim()), "{}", err.message);
            }
        }
        assert!(credential("accessKeyId", "id,x").is_err());
        assert!(credential("accessKeyId", "id:x").is_err());
    }

    #[test]
    fn regions() {
        for ok in [
            "cn-hangzhou",
            "ap-southeast-1",
            "us-west-1",
            "cn-shanghai-finance-1",
        ] {
            assert!(region_id(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "CN-hangzhou",
            "cn_hangzhou",
            "cn-",
            "-cn",
            "cn--x",
            "cn.hangzhou",
            "a b",
        ] {
            assert_eq!(
                region_id(bad).unwrap_err().code,
                codes::INVALID_REGION,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn nonces_descriptions_and_numbers() {
        assert!(nonce("abc-123").is_ok());
        for bad in ["", "a b", "é", &"n".repeat(129)] {
            assert_eq!(nonce(bad).unwrap_err().field, Some("nonce"), "{bad:?}");
        }
        assert!(description("prod logs/éà+&=").is_ok());
        assert!(description("").is_err() && description("a\nb").is_err());
        assert!(description(&"d".repeat(257)).is_err());
        // Characters, not bytes.
        assert!(description(&"é".repeat(256)).is_ok() && description(&"é".repeat(257)).is_err());
        assert_eq!(whole_number("size", 100.0, 1, 100).unwrap(), 100);
        for bad in [0.0, 101.0, 1.5, f64::NAN, -1.0] {
            let e = whole_number("size", bad, 1, 100).unwrap_err();
            assert_eq!(
                (e.code.as_str(), e.field),
                (codes::INVALID_ARGUMENT, Some("size"))
            );
        }
    }
}
