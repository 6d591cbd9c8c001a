//! Slack's ids in the store's integer columns, which Discord's snowflakes fill: a channel id
//! ("C024BE91L") becomes a number with the top bit set (no snowflake has it), so one column
//! holds both platforms' channels without clashing; a message's timestamp
//! ("1503435956.000247") becomes its microseconds. Both map back exactly.

/// Set on every Slack channel's number; Discord's snowflakes stay below it.
const SLACK_BIT: u64 = 1 << 63;
/// Slack ids are upper-case letters and digits; 12 of them fit in 63 bits.
const MAX_ID_LEN: usize = 12;
const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A Slack channel id as a channel number; None for anything that is not one.
pub fn channel_number(id: &str) -> Option<u64> {
    if id.is_empty() || id.len() > MAX_ID_LEN {
        return None;
    }
    // Bijective base 36 (digits 1..=36): no two ids share a number, leading zeros included.
    let mut n: u64 = 0;
    for b in id.bytes() {
        let digit = DIGITS.iter().position(|d| *d == b)? as u64 + 1;
        n = n.checked_mul(36)?.checked_add(digit)?;
    }
    Some(n | SLACK_BIT)
}

/// Whether a channel number is Slack's.
pub fn is_slack_channel(n: u64) -> bool {
    n & SLACK_BIT != 0
}

/// The Slack channel id of a channel number; None for a Discord channel.
pub fn channel_id(n: u64) -> Option<String> {
    if !is_slack_channel(n) {
        return None;
    }
    let mut n = n & !SLACK_BIT;
    let mut out = Vec::new();
    while n > 0 {
        let digit = (n - 1) % 36;
        out.push(DIGITS[digit as usize]);
        n = (n - 1) / 36;
    }
    out.reverse();
    String::from_utf8(out).ok()
}

/// A message timestamp ("1503435956.000247") as a message number.
pub fn ts_number(ts: &str) -> Option<u64> {
    let (secs, micros) = ts.split_once('.')?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(secs) || micros.len() != 6 || !all_digits(micros) {
        return None;
    }
    secs.parse::<u64>()
        .ok()?
        .checked_mul(1_000_000)?
        .checked_add(micros.parse().ok()?)
}

/// The timestamp of a message number.
pub fn ts(n: u64) -> String {
    format!("{}.{:06}", n / 1_000_000, n % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_ids_map_to_numbers_apart_from_snowflakes_and_back() {
        for id in [
            "C024BE91L",
            "C01234ABCDEF",
            "G0",
            "0",
            "00",
            "ZZZZZZZZZZZZ",
            "D8",
        ] {
            let n = channel_number(id).unwrap();
            assert!(is_slack_channel(n), "{id}");
            assert_eq!(channel_id(n).as_deref(), Some(id));
        }
        assert_ne!(channel_number("0"), channel_number("00"));
        let snowflake: u64 = 1_234_567_890_123_456_789;
        assert!(!is_slack_channel(snowflake));
        assert_eq!(channel_id(snowflake), None);
        for bad in ["", "c024be91l", "C024BE91L0123", "C-1", "<#C1>"] {
            assert_eq!(channel_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn timestamps_map_to_microseconds_and_back() {
        assert_eq!(ts_number("1503435956.000247"), Some(1_503_435_956_000_247));
        assert_eq!(ts(1_503_435_956_000_247), "1503435956.000247");
        for bad in [
            "1503435956",
            "1503435956.247",
            "x.000001",
            ".000001",
            "1.0000001",
        ] {
            assert_eq!(ts_number(bad), None, "{bad}");
        }
    }
}
