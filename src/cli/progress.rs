//! Progress bars for long imports and exports: shown on a terminal only, so scripts and CI
//! logs get nothing extra on standard error.

use std::io::IsTerminal;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::csv_io::{Progress, Silent};
use crate::domain::thousands;

/// A bar on standard error.
pub struct Bar(ProgressBar);

/// A bar of `len` units (bytes of a file; rows of an export, told later) when standard error
/// is a terminal; otherwise no progress at all.
pub fn for_terminal(len: Option<u64>, prefix: &str) -> Arc<dyn Progress> {
    if !std::io::stderr().is_terminal() {
        return Arc::new(Silent);
    }
    let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
    // Short enough for an 80-column terminal: a wrapped bar redraws badly.
    let style = ProgressStyle::with_template("{prefix} [{bar:20}] {percent:>3}% {msg}, ETA {eta}")
        .map_or_else(
            |_| ProgressStyle::default_bar(),
            |s| s.progress_chars("=> "),
        );
    bar.set_style(style);
    bar.set_prefix(prefix.to_string());
    Arc::new(Bar(bar))
}

impl Bar {
    fn rows_message(&self, rows: u64) -> String {
        let seconds = self.0.elapsed().as_secs_f64().max(0.001);
        // Rounded and non-negative, so the cast only drops the (zero) fraction.
        #[allow(clippy::cast_sign_loss)]
        let rate = (rows as f64 / seconds).round().max(0.0) as u64;
        format!("{} rows, {} rows/s", thousands(rows), thousands(rate))
    }
}

impl Progress for Bar {
    fn parsed(&self, bytes: u64, rows: u64) {
        self.0.set_position(bytes);
        self.0.set_message(self.rows_message(rows));
    }

    fn writing(&self, rows: u64) {
        if let Some(len) = self.0.length() {
            self.0.set_position(len);
        }
        self.0
            .set_message(format!("writing {} events", thousands(rows)));
    }

    fn exported(&self, rows: u64, total: u64) {
        if self.0.length() != Some(total) {
            // The rows were loaded before the first report: the rate starts now.
            self.0.set_length(total);
            self.0.reset_elapsed();
            self.0.reset_eta();
        }
        self.0.set_position(rows);
        self.0.set_message(self.rows_message(rows));
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
