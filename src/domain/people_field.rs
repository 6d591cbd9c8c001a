//! One form field for how many people: "1200", "hundreds", "10%" or "1,200 (10%)". Chat
//! forms that hold few fields (Discord's modals: five) use it for the count, the wording
//! and the share of staff at once.

use super::{DomainError, RawEvent};

/// The field's text for what `raw` holds.
pub fn format(raw: &RawEvent) -> String {
    let people = match (raw.count, &raw.approx) {
        (Some(n), _) => n.to_string(),
        (None, Some(w)) => w.clone(),
        (None, None) => String::new(),
    };
    match (people.is_empty(), raw.percent) {
        (_, None) => people,
        (true, Some(p)) => format!("{p}%"),
        (false, Some(p)) => format!("{people} ({p}%)"),
    }
}

/// Sets `raw`'s count, wording and share from the field: a number with `%` is the share, a
/// whole number (commas allowed) the count, other words the wording.
pub fn parse_into(text: &str, raw: &mut RawEvent) -> Result<(), DomainError> {
    let (mut rest, mut percent) = (text.to_string(), None);
    if let Some(at) = text.find('%') {
        let start = text[..at]
            .rfind(|c: char| !(c.is_ascii_digit() || c == '.' || c == ' '))
            .map_or(0, |i| i + 1);
        let number = text[start..at].trim();
        let value = number.parse::<f64>().map_err(|_| {
            DomainError::invalid(
                "percent",
                "Write the share of staff as a number and %, e.g. 10%.",
            )
        })?;
        percent = Some(value);
        rest = format!("{}{}", &text[..start], &text[at + 1..]);
    }
    let rest = rest.trim_matches(|c: char| c.is_whitespace() || "(),;".contains(c));
    let digits = rest.replace(',', "");
    let (count, approx) = if rest.is_empty() {
        (None, None)
    } else if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        let n = digits
            .parse::<i64>()
            .map_err(|_| DomainError::invalid("count", "That number of people is too large."))?;
        (Some(n), None)
    } else {
        (None, Some(rest.to_string()))
    };
    raw.count = count;
    raw.approx = approx;
    raw.percent = percent;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> (Option<i64>, Option<String>, Option<f64>) {
        let mut raw = RawEvent::default();
        parse_into(text, &mut raw).unwrap();
        (raw.count, raw.approx, raw.percent)
    }

    #[test]
    fn counts_wording_and_shares_are_told_apart() {
        assert_eq!(parsed("1,200"), (Some(1200), None, None));
        assert_eq!(parsed("hundreds"), (None, Some("hundreds".into()), None));
        assert_eq!(parsed("10%"), (None, None, Some(10.0)));
        assert_eq!(parsed("1,200 (2.5%)"), (Some(1200), None, Some(2.5)));
        assert_eq!(
            parsed("about 300, 5 %"),
            (None, Some("about 300".into()), Some(5.0))
        );
        assert_eq!(parsed("  "), (None, None, None));
        let mut raw = RawEvent::default();
        assert!(parse_into("lots%", &mut raw).is_err());
        assert!(parse_into("99999999999999999999", &mut raw).is_err());
    }

    #[test]
    fn what_is_formatted_reads_back_the_same() {
        for (count, approx, percent) in [
            (Some(1200), None, Some(10.0)),
            (None, Some("hundreds".to_string()), None),
            (None, None, Some(2.5)),
            (Some(7), None, None),
        ] {
            let raw = RawEvent {
                count,
                approx: approx.clone(),
                percent,
                ..RawEvent::default()
            };
            assert_eq!(parsed(&format(&raw)), (count, approx, percent));
        }
    }
}
