//! News feeds as sources: the body parsed as RSS (0.9x, 1.0, 2.0) or Atom by feed-rs, each
//! item's title, first http(s) link and date handed to the candidates' use case.

use std::path::Path;

use crate::error::{Error, Result};
use crate::service::candidates::FeedItem;

/// A feed larger than this is refused.
pub const MAX_FEED_BODY: u64 = 5 * 1024 * 1024;
/// Items read from one feed at most (feeds carry their latest few dozen).
const MAX_ITEMS: usize = 500;

/// The items of the feed in `path`, or why it is not a feed.
pub async fn items(path: &Path) -> Result<Vec<FeedItem>> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || parse(&path))
        .await
        .map_err(|e| Error::Internal(format!("reading the feed stopped: {e}")))?
}

fn parse(path: &Path) -> Result<Vec<FeedItem>> {
    let file = std::fs::File::open(path)?;
    let feed = feed_rs::parser::parse(std::io::BufReader::new(file))
        .map_err(|e| Error::BadFile(format!("the body is not an RSS or Atom feed ({e})")))?;
    Ok(feed
        .entries
        .into_iter()
        .take(MAX_ITEMS)
        .filter_map(|entry| {
            let title = entry.title?.content;
            let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
            let link = entry
                .links
                .into_iter()
                .map(|l| l.href)
                .find(|h| h.starts_with("http://") || h.starts_with("https://"))?;
            Some(FeedItem {
                title,
                link,
                published: entry.published.or(entry.updated),
            })
        })
        .filter(|i| !i.title.is_empty())
        .collect())
}
