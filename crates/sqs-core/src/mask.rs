//! Masking of access key ids for display: `AKIAIOSFODNN7EXAMPLE` → `AKIA…MPLE`.

/// Shows the first and last four characters of a key id, never the whole thing.
pub fn mask_key_id(key_id: &str) -> String {
    let chars: Vec<char> = key_id.trim().chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    if chars.len() <= 8 {
        // Too short to show both ends without revealing most of it.
        return format!("{}…", chars.iter().take(2).collect::<String>());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::mask_key_id;

    #[test]
    fn shows_only_both_ends() {
        assert_eq!(mask_key_id("AKIAIOSFODNN7EXAMPLE"), "AKIA…MPLE");
        assert!(!mask_key_id("AKIAIOSFODNN7EXAMPLE").contains("IOSFODNN7"));
    }

    #[test]
    fn short_and_empty_ids_reveal_little() {
        assert_eq!(mask_key_id(""), "");
        assert_eq!(mask_key_id("test"), "te…");
        assert_eq!(mask_key_id("12345678"), "12…");
    }
}
