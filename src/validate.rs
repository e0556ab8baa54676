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
}
