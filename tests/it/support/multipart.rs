//! Reading the multipart/form-data bodies Discord accepts for messages with files: the
//! `payload_json` part is the message, `files[n]` parts are the attachments.

/// A file the bot attached to a request.
#[derive(Debug, Clone)]
pub struct Attached {
    /// The form field, "files[0]".
    pub field: String,
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// `name="x"` in a Content-Disposition header.
fn param(header: &str, name: &str) -> Option<String> {
    let start = header.find(&format!("{name}=\""))? + name.len() + 2;
    let end = header[start..].find('"')? + start;
    Some(header[start..end].to_string())
}

/// The boundary of a multipart Content-Type, if it is one.
pub fn boundary(content_type: &str) -> Option<String> {
    let rest = content_type.strip_prefix("multipart/form-data")?;
    let b = rest.split("boundary=").nth(1)?.trim_matches('"');
    Some(b.to_string())
}

/// The JSON payload and the files of a multipart body.
pub fn parse(body: &[u8], boundary: &str) -> (serde_json::Value, Vec<Attached>) {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut payload = serde_json::Value::Null;
    let mut files = Vec::new();
    let mut at = find(body, &delimiter, 0).expect("a first boundary") + delimiter.len();
    while let Some(next) = find(body, &delimiter, at) {
        let part = &body[at..next];
        at = next + delimiter.len();
        let Some(split) = find(part, b"\r\n\r\n", 0) else {
            continue;
        };
        let headers = String::from_utf8_lossy(&part[..split]).to_string();
        let content = part[split + 4..]
            .strip_suffix(b"\r\n")
            .unwrap_or(&part[split + 4..]);
        let field = param(&headers, "name").unwrap_or_default();
        if field == "payload_json" {
            payload = serde_json::from_slice(content).expect("payload_json is JSON");
        } else if let Some(filename) = param(&headers, "filename") {
            let content_type = headers
                .lines()
                .find_map(|l| {
                    l.strip_prefix("Content-Type: ")
                        .or_else(|| l.strip_prefix("content-type: "))
                })
                .unwrap_or_default()
                .to_string();
            files.push(Attached {
                field,
                filename,
                content_type,
                bytes: content.to_vec(),
            });
        }
    }
    (payload, files)
}
