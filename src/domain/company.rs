//! Company names: the display name, the normalised key that makes spellings one company, and
//! the built-in aliases.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

use super::DomainError;

/// Discord caps an autocomplete choice at 100 characters; we keep names to that everywhere.
pub const MAX_COMPANY_NAME: usize = 100;
/// A name's key may be no longer either: decomposition can make one character 18, and every
/// match costs time in proportion to key lengths.
pub const MAX_KEY: usize = 100;

/// Corporate suffixes dropped from the end of a key: "Amazon.com, Inc." is "amazon".
const SUFFIXES: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "co",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "nv",
    "bv",
    "pty",
    "com",
    "srl",
    "spa",
    "lp",
    "llp",
];

/// Other names for a company, seeded into every store: (alias, company).
pub const BUILTIN_ALIASES: &[(&str, &str)] = &[
    ("AWS", "Amazon"),
    ("Amazon Web Services", "Amazon"),
    ("Google", "Alphabet"),
    ("Facebook", "Meta"),
    ("Meta Platforms", "Meta"),
    ("Twitter", "X"),
];

/// The key under which spellings of one name meet: lower case, accents and punctuation
/// dropped, words separated by one space, corporate suffixes removed.
pub fn normalize_key(raw: &str) -> String {
    // Decomposition (NFKD) only changes non-ASCII text; imports are mostly ASCII.
    let mut key = if raw.is_ascii() {
        fold(raw.chars(), raw.len())
    } else {
        fold(raw.nfkd(), raw.len())
    };
    while let Some(space) = key.rfind(' ') {
        if SUFFIXES.contains(&&key[space + 1..]) {
            key.truncate(space);
        } else {
            break;
        }
    }
    key
}

/// Lower-case words of letters and digits, one space apart.
fn fold(chars: impl Iterator<Item = char>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    let mut in_word = false;
    for c in chars {
        if is_combining_mark(c) || matches!(c, '\'' | '\u{2019}') {
            // "McDonald's" and "Nestlé" fold to "mcdonalds" and "nestle".
            continue;
        }
        if c.is_alphanumeric() {
            if !in_word && !out.is_empty() {
                out.push(' ');
            }
            in_word = true;
            out.extend(c.to_lowercase());
        } else {
            in_word = false;
        }
    }
    out
}

/// Zero-width and text-direction characters (Unicode's format characters that matter here):
/// invisible, they make "Ama\u{200b}zon" look like "Amazon" or reverse what follows.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// A company name as a person typed it, checked: trimmed, inner whitespace collapsed, at most
/// [`MAX_COMPANY_NAME`] characters, and with at least one letter or digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyName {
    display: String,
    key: String,
}

impl CompanyName {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let display = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if display.is_empty() {
            return Err(DomainError::invalid("company", "the company name is empty"));
        }
        if display.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                "company",
                "the company name contains control characters",
            ));
        }
        if display.chars().any(is_invisible_format) {
            return Err(DomainError::invalid(
                "company",
                "the company name contains invisible formatting characters (zero-width or \
                 text-direction marks)",
            ));
        }
        let len = display.chars().count();
        if len > MAX_COMPANY_NAME {
            return Err(DomainError::invalid(
                "company",
                format!(
                    "the company name is {len} characters long; the limit is {MAX_COMPANY_NAME}"
                ),
            ));
        }
        let key = normalize_key(&display);
        if key.chars().count() > MAX_KEY {
            return Err(DomainError::invalid(
                "company",
                format!(
                    "the company name expands to more than {MAX_KEY} letters and digits; \
                     write it in plain letters"
                ),
            ));
        }
        if key.is_empty() {
            return Err(DomainError::invalid(
                "company",
                "the company name needs at least one letter or digit",
            ));
        }
        Ok(Self { display, key })
    }

    pub fn display(&self) -> &str {
        &self.display
    }

    pub fn key(&self) -> &str {
        &self.key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_company_share_a_key() {
        for raw in [
            "Amazon.com, Inc.",
            " amazon ",
            "AMAZON",
            "Amazon Inc",
            "amazon.com",
        ] {
            assert_eq!(normalize_key(raw), "amazon", "{raw}");
        }
    }

    #[test]
    fn accents_apostrophes_and_punctuation_fold() {
        assert_eq!(normalize_key("Nestlé S.A."), "nestle s a");
        assert_eq!(normalize_key("McDonald’s Corp."), "mcdonalds");
        assert_eq!(normalize_key("Booking.com"), "booking");
        assert_eq!(normalize_key("  F-Secure "), "f secure");
    }

    #[test]
    fn a_suffix_alone_is_kept() {
        assert_eq!(normalize_key("Inc."), "inc");
        assert_eq!(normalize_key("Co"), "co");
    }

    #[test]
    fn company_name_parse_trims_and_collapses() {
        let name = CompanyName::parse("  Amazon   Web Services ").unwrap();
        assert_eq!(name.display(), "Amazon Web Services");
        assert_eq!(name.key(), "amazon web services");
    }

    #[test]
    fn company_name_rejects_empty_long_and_symbol_only() {
        assert!(CompanyName::parse("   ").is_err());
        assert!(CompanyName::parse("!!!").is_err());
        assert!(CompanyName::parse(&"a".repeat(101)).is_err());
        assert!(CompanyName::parse(&"a".repeat(100)).is_ok());
        assert!(CompanyName::parse("bad\u{0}name").is_err());
    }

    #[test]
    fn invisible_characters_and_names_that_expand_too_far_are_refused() {
        for name in [
            "Ama\u{200b}zon",
            "\u{202e}nozamA",
            "Acme\u{2066}",
            "\u{feff}Acme",
        ] {
            let err = CompanyName::parse(name).unwrap_err();
            assert!(err.message.contains("invisible"), "{name:?}: {err}");
        }
        // Six characters, but each decomposes into 18 letters.
        let err = CompanyName::parse(&"\u{FDFA}".repeat(6)).unwrap_err();
        assert!(err.message.contains("expands"), "{err}");
        assert!(CompanyName::parse(&"a".repeat(100)).is_ok());
    }
}
