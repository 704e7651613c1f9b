//! Bytes to text: reject what is not text, detect legacy encodings.

use crate::ExtractError;

/// The result of decoding: the text and, when it was not UTF-8, the
/// encoding it was read as.
pub struct Decoded {
    pub text: String,
    pub encoding: Option<&'static str>,
}

/// Decode input bytes to text.
///
/// - Empty or white-space-only input is an error.
/// - Input with NUL bytes or many control characters is binary: an error.
/// - Valid UTF-8 (with or without BOM) is taken as is.
/// - Anything else is decoded with the encoding `chardetng` guesses (news
///   sites still serve windows-1252 and ISO-8859 pages); if the guess still
///   leaves replacement characters in more than 1% of the text, it is an
///   error rather than a page of mojibake.
pub fn decode(bytes: &[u8], declared: Option<&str>) -> Result<Decoded, ExtractError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ExtractError::Empty);
    }
    let sample = &bytes[..bytes.len().min(8192)];
    let controls = sample
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)))
        .count();
    if sample.contains(&0) || controls * 100 > sample.len() {
        return Err(ExtractError::Binary);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(Decoded {
            text: s.to_string(),
            encoding: None,
        });
    }
    let encoding = declared
        .and_then(|l| encoding_rs::Encoding::for_label(l.trim().as_bytes()))
        .filter(|e| *e != encoding_rs::UTF_8)
        .unwrap_or_else(|| {
            let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            det.feed(bytes, true);
            det.guess(None, chardetng::Utf8Detection::Deny)
        });
    let (text, _, _) = encoding.decode(bytes);
    let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
    if encoding == encoding_rs::UTF_8 || bad * 100 > text.chars().count().max(1) {
        return Err(ExtractError::InvalidText(format!(
            "not valid UTF-8 and not readable as {}",
            encoding.name()
        )));
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding: Some(encoding.name()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_and_bom_is_dropped() {
        let d = decode("\u{feff}Sa’ar said.".as_bytes(), None).unwrap();
        assert_eq!(d.text, "Sa’ar said.");
        assert!(d.encoding.is_none());
    }

    #[test]
    fn empty_and_binary_are_errors() {
        assert!(matches!(decode(b"  \n ", None), Err(ExtractError::Empty)));
        assert!(matches!(
            decode(b"PK\x03\x04\x00\x00binary", None),
            Err(ExtractError::Binary)
        ));
    }

    #[test]
    fn latin1_news_text_is_decoded() {
        let bytes = b"The caf\xe9 owner said the talks were \x93very close\x94 to a deal.";
        let d = decode(bytes, None).unwrap();
        assert!(d.text.contains("café"), "{}", d.text);
        assert!(d.encoding.is_some());
    }
}
