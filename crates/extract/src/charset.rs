//! The character set a web page declares: in the HTTP `Content-Type`
//! header first, then in the page's own `<meta charset>` or
//! `<meta http-equiv="Content-Type">` (looked for in the first 4 KiB, as
//! browsers do). Pages are turned into UTF-8 with it before extraction; a
//! declaration that the bytes contradict (a page that says latin-1 but is
//! valid UTF-8, a label no one knows) is ignored.

use encoding_rs::Encoding;
use std::borrow::Cow;

/// The charset label in a `Content-Type` value, if any.
pub fn from_content_type(ct: &str) -> Option<String> {
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset"))
            .then(|| v.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// The charset a page declares in its first 4 KiB.
pub fn from_meta(page: &[u8]) -> Option<String> {
    let head = &page[..page.len().min(4096)];
    let low: Vec<u8> = head.to_ascii_lowercase();
    let mut i = 0;
    while let Some(p) = find(&low[i..], b"charset") {
        let at = i + p + 7;
        let rest = &low[at..];
        let rest = rest
            .iter()
            .position(|&b| b != b' ')
            .map(|s| &rest[s..])
            .unwrap_or(&[]);
        if let Some(rest) = rest.strip_prefix(b"=") {
            let rest = rest
                .iter()
                .position(|&b| !matches!(b, b' ' | b'"' | b'\''))
                .map(|s| &rest[s..])
                .unwrap_or(&[]);
            let end = rest
                .iter()
                .position(|&b| {
                    !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
                })
                .unwrap_or(rest.len());
            if end > 0 {
                return Some(String::from_utf8_lossy(&rest[..end]).into_owned());
            }
        }
        i = at;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The page as UTF-8 bytes: unchanged when it already is valid UTF-8,
/// decoded with the declared charset (header, then meta) otherwise. With no
/// usable declaration the bytes are returned as they are, for the decoder's
/// own detection.
pub fn to_utf8<'a>(page: &'a [u8], content_type: Option<&str>) -> Cow<'a, [u8]> {
    if std::str::from_utf8(page).is_ok() {
        return Cow::Borrowed(page);
    }
    let label = content_type
        .and_then(from_content_type)
        .or_else(|| from_meta(page));
    match label.and_then(|l| Encoding::for_label(l.as_bytes())) {
        Some(enc) if enc != encoding_rs::UTF_8 => {
            let (text, _, _) = enc.decode(page);
            Cow::Owned(text.into_owned().into_bytes())
        }
        _ => Cow::Borrowed(page),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_from_headers_and_meta() {
        assert_eq!(
            from_content_type("text/html; charset=\"ISO-8859-1\"").as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(from_content_type("text/html"), None);
        assert_eq!(
            from_meta(b"<html><head><meta charset='windows-1251'>").as_deref(),
            Some("windows-1251")
        );
        assert_eq!(
            from_meta(
                b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-2\">"
            )
            .as_deref(),
            Some("iso-8859-2")
        );
        assert_eq!(from_meta(b"<p>no declaration</p>"), None);
    }

    #[test]
    fn declared_charsets_decode_and_utf8_is_kept() {
        let cyr = b"<meta charset=\"windows-1251\"><p>\xcc\xee\xf1\xea\xe2\xe0</p>";
        assert_eq!(
            String::from_utf8(to_utf8(cyr, None).into_owned()).unwrap(),
            "<meta charset=\"windows-1251\"><p>Москва</p>"
        );
        // The header wins over the page.
        let latin = b"<meta charset=\"windows-1251\"><p>caf\xe9</p>";
        assert!(String::from_utf8(
            to_utf8(latin, Some("text/html; charset=iso-8859-1")).into_owned()
        )
        .unwrap()
        .contains("café"));
        // A wrong declaration on a UTF-8 page changes nothing.
        let utf8 = "<meta charset=\"iso-8859-1\"><p>café</p>".as_bytes();
        assert!(matches!(
            to_utf8(utf8, Some("text/html; charset=iso-8859-1")),
            Cow::Borrowed(_)
        ));
    }
}
