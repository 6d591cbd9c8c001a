//! WARN notices: a government filing of a mass layoff, as a state received it, and how a filed
//! name ("Amazon.com Services LLC", "Amazon (SJC11)", "Intel Corporation (SC-1)") is matched
//! to a company without ever forcing it onto a near name.

use chrono::NaiveDate;

use super::normalize_key;

/// One notice, as filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    /// Two-letter postal code ("WA").
    pub state: String,
    pub filed_name: String,
    pub notice_date: NaiveDate,
    /// When the layoff takes effect; may be before the notice (retroactive notices are real).
    pub effective_date: Option<NaiveDate>,
    pub jobs: Option<u32>,
    /// As filed, several cities included ("Des Moines, Auburn, Puyallup").
    pub location: Option<String>,
    pub closure: Option<bool>,
    pub temporary: Option<bool>,
}

impl Filing {
    /// What makes two rows one filing: state, filed name, notice date, location and jobs.
    pub fn dedupe_key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}",
            self.state.to_ascii_uppercase(),
            normalize_key(&self.filed_name),
            self.notice_date,
            normalize_key(self.location.as_deref().unwrap_or_default()),
            self.jobs.map(|j| j.to_string()).unwrap_or_default()
        )
    }
}

/// The most jobs one filing can hold: the largest US WARN notices are a few thousand jobs, and
/// none comes near this, so a larger number is a typing or export error.
pub const MAX_FILING_JOBS: u32 = 100_000;

/// An event is backed by a filing of its company this many days before or after it.
pub const FILED_WITHIN_DAYS: u64 = 60;

/// A filing as listings show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingLine {
    pub state: String,
    pub notice_date: NaiveDate,
    pub jobs: Option<u32>,
    pub location: Option<String>,
}

/// A filing as a post shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingPost {
    pub id: i64,
    /// The company of the record it belongs to.
    pub company: String,
    pub filed_name: String,
    pub agency: String,
    pub line: FilingLine,
    pub effective_date: Option<NaiveDate>,
    pub closure: Option<bool>,
    pub temporary: Option<bool>,
}

/// A company's filings: how many, jobs filed in all, and the latest few.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilingSummary {
    pub count: u64,
    pub jobs: u64,
    pub latest: Vec<FilingLine>,
}

/// Words filers add to a company's name that do not change which company it is.
const FILING_NOISE: &[&str] = &["services", "com", "usa", "us"];

/// The name without a site code: "Amazon (SJC11)", "Amazon - MAH8", "Amazon - SAN 13" and
/// "Meta Platforms, Inc. - 180 Jefferson" (a site's code or address: it has a digit) are the
/// company's name alone.
pub fn without_site_code(name: &str) -> &str {
    let name = name.trim();
    if let Some(open) = name.rfind('(')
        && name.ends_with(')')
        && open > 0
    {
        return name[..open].trim_end();
    }
    if let Some((head, code)) = name.rsplit_once(" - ") {
        let code = code.trim();
        let is_code = !code.is_empty() && code.chars().any(|c| c.is_ascii_digit());
        if is_code {
            return head.trim_end();
        }
    }
    name
}

/// The keys to look a filed name up by, most specific first: its key without a site code
/// (legal suffixes dropped as for any name), then without trailing filer's words such as
/// "Services" or ".com", then the part before a " - " whatever follows it (a site's name:
/// "Amazon - Kent Fulfillment"). Only exact keys and aliases match: nothing fuzzy.
pub fn filed_name_keys(name: &str) -> Vec<String> {
    let mut keys = name_keys(without_site_code(name));
    if let Some((head, _)) = name.trim().split_once(" - ") {
        for key in name_keys(head) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

/// A name's key, then without trailing filer's words.
fn name_keys(name: &str) -> Vec<String> {
    let mut key = normalize_key(name);
    let mut keys = Vec::new();
    loop {
        if key.is_empty() {
            break;
        }
        keys.push(key.clone());
        match key.rsplit_once(' ') {
            Some((head, last)) if FILING_NOISE.contains(&last) => key = normalize_key(head),
            _ => break,
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_codes_and_filers_words_come_off() {
        assert_eq!(
            filed_name_keys("Amazon.com Services LLC"),
            ["amazon com services", "amazon"]
        );
        assert_eq!(filed_name_keys("Amazon - MAH8"), ["amazon"]);
        assert_eq!(filed_name_keys("Amazon (SJC11)"), ["amazon"]);
        assert_eq!(filed_name_keys("Google (MP1)"), ["google"]);
        assert_eq!(filed_name_keys("Intel Corporation (SC-1)"), ["intel"]);
        // A dash inside a name is not a site code; the part before it is tried last.
        assert_eq!(
            filed_name_keys("Hewlett - Packard"),
            ["hewlett packard", "hewlett"]
        );
        // Site codes with a space, and addresses, after " - ".
        assert_eq!(filed_name_keys("Amazon - SAN 13"), ["amazon"]);
        assert_eq!(filed_name_keys("Amazon - SNA 20"), ["amazon"]);
        assert_eq!(
            filed_name_keys("Meta Platforms, Inc. - 180 Jefferson"),
            ["meta platforms"]
        );
        assert_eq!(without_site_code("Amazon - SAN 13"), "Amazon");
        // Near names are never forced.
        assert_eq!(
            filed_name_keys("Expeditors International of Washington"),
            ["expeditors international of washington"]
        );
    }

    #[test]
    fn one_filing_whatever_the_spelling() {
        let f = Filing {
            state: "wa".into(),
            filed_name: "Amazon.com Services LLC".into(),
            notice_date: NaiveDate::from_ymd_opt(2023, 1, 18).unwrap(),
            effective_date: None,
            jobs: Some(2300),
            location: Some("Seattle".into()),
            closure: None,
            temporary: None,
        };
        let g = Filing {
            state: "WA".into(),
            filed_name: "amazon.com services, llc".into(),
            location: Some(" SEATTLE".into()),
            ..f.clone()
        };
        assert_eq!(f.dedupe_key(), g.dedupe_key());
    }
}
