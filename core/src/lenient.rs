//! Reading Juspay's answers the way Juspay writes them: the same field arrives as a JSON
//! number in one body and as a string in the next (`status_id`, `amount`, `gateway_id`; see
//! `docs/juspay-evidence.md`, "Order Status fields"). These serde helpers read such a field
//! as its exact text, never through a float (`100.10` stays `"100.10"`, a 30-digit id stays
//! 30 digits), and read a value of an unexpected type as absent rather than failing the
//! whole answer: the raw JSON is always kept beside the typed view.

use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// A string, number or boolean as text; `null`, objects and arrays as `None`.
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw: Option<Box<RawValue>> = Option::deserialize(d)?;
    Ok(raw.and_then(|raw| raw_text(raw.get())))
}

/// A decimal number (a JSON number, or a string holding one) as its exact text.
pub(crate) fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(text(d)?.filter(|t| crate::payment::Decimal::parse(t).is_some()))
}

/// `true`/`false`, also as the strings `"true"`/`"false"`.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match text(d)?.as_deref() {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    })
}

/// A whole number, also as a string (`"21"`).
pub(crate) fn integer<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(text(d)?.and_then(|t| t.trim().parse().ok()))
}

/// A value of any type read as `T` when it has `T`'s shape, else `None`.
pub(crate) fn shaped<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    let raw: Option<Box<RawValue>> = Option::deserialize(d)?;
    Ok(raw.and_then(|raw| serde_json::from_str(raw.get()).ok()))
}

/// The text of one JSON value as written: strings decoded, numbers and booleans verbatim.
pub(crate) fn raw_text(raw: &str) -> Option<String> {
    let raw = raw.trim();
    match raw.as_bytes().first()? {
        b'"' => serde_json::from_str(raw).ok(),
        b'-' | b'0'..=b'9' | b't' | b'f' => Some(raw.to_owned()),
        _ => None, // null, objects, arrays
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "text")]
        t: Option<String>,
        #[serde(default, deserialize_with = "decimal")]
        d: Option<String>,
        #[serde(default, deserialize_with = "flag")]
        f: Option<bool>,
        #[serde(default, deserialize_with = "integer")]
        i: Option<i64>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn numbers_and_strings_read_alike() {
        let p =
            probe(r#"{"t": 123456789012345678901234567890, "d": 100.10, "f": "true", "i": "21"}"#);
        assert_eq!(p.t.as_deref(), Some("123456789012345678901234567890"));
        assert_eq!(p.d.as_deref(), Some("100.10"));
        assert_eq!(p.f, Some(true));
        assert_eq!(p.i, Some(21));
        let p = probe(r#"{"t": {"a": 1}, "d": "x", "f": 1, "i": "2x"}"#);
        assert_eq!((p.t, p.d, p.f, p.i), (None, None, None, None));
        let p = probe(r#"{"t": null}"#);
        assert_eq!((p.t, p.d), (None, None));
    }
}
