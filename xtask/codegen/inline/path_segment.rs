//! Path parameters percent-encoded as path segments.
//!
//! Written and tested in `xtask/codegen/inline/`; the generator copies this file unchanged into
//! the generated crate as `src/apis/path_segment.rs`, where `apis::urlencode`, which every
//! operation calls on its path parameters, is [`encode`].
//!
//! The generator's own `urlencode` is form encoding: a space becomes `+`, which a server reads
//! back as a literal plus inside a path, so the user ID `a b` would reach Passage as `a+b`,
//! another ID. RFC 3986 percent-encoding of everything but the unreserved characters keeps every
//! byte of the ID and turns `/`, `?` and `#` into data rather than URL structure.

/// Bytes that must be escaped inside one path segment: all but `A-Z a-z 0-9 - . _ ~`.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `segment` percent-encoded as one path segment (RFC 3986): everything but
/// `A-Z a-z 0-9 - . _ ~` is escaped, each byte of its UTF-8.
pub(crate) fn encode(segment: &str) -> String {
    // Through `Cow`: a segment with nothing to escape (the usual ID) is copied as it is, without
    // the formatting machinery `to_string` would run.
    let encoded: std::borrow::Cow<'_, str> =
        percent_encoding::utf8_percent_encode(segment, PATH_SEGMENT).into();
    encoded.into_owned()
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn unreserved_characters_pass_unchanged() {
        let unreserved = "AZaz09-._~";
        assert_eq!(encode(unreserved), unreserved);
        assert_eq!(encode("usr_2fXk9Qv"), "usr_2fXk9Qv");
        assert_eq!(encode(""), "");
    }

    #[test]
    fn a_space_is_percent_20_and_a_plus_stays_a_plus_sign() {
        assert_eq!(encode("a b"), "a%20b");
        assert_eq!(encode("a+b"), "a%2Bb");
    }

    #[test]
    fn url_structure_becomes_data() {
        assert_eq!(encode("a/b?c#d"), "a%2Fb%3Fc%23d");
        assert_eq!(encode("50%"), "50%25");
        assert_eq!(encode("&=;:@"), "%26%3D%3B%3A%40");
    }

    #[test]
    fn each_utf8_byte_is_escaped() {
        assert_eq!(encode("é"), "%C3%A9");
        assert_eq!(encode("🔑"), "%F0%9F%94%91");
    }

    #[test]
    fn dot_segments_are_left_to_the_caller() {
        // `.` is unreserved, so `..` encodes to itself and a client or server may resolve it as
        // "parent": callers refuse such IDs before building a path.
        assert_eq!(encode(".."), "..");
    }
}
