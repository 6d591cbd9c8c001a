//! `layoffs-bot import`: each file in one transaction, with a progress bar on a terminal, and
//! the report of what became of every row.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;

use super::{emit, progress};
use crate::csv_io as import;
use crate::store::Store;

pub async fn run(store: &Store, files: &[PathBuf], options: import::FileOptions) -> ExitCode {
    let mut failed = false;
    for path in files {
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        let progress = progress::for_terminal(Some(size), "import");
        let result =
            import::import_file_with_progress(store, path, options, Utc::now(), progress.clone())
                .await;
        drop(progress);
        match result {
            Ok(report) => print_report(&path.display().to_string(), &report),
            Err(err) => {
                failed = true;
                if err.is_user_error() {
                    eprintln!(
                        "{}: {} (nothing imported)",
                        path.display(),
                        err.user_message()
                    );
                } else {
                    eprintln!(
                        "{}: import failed: {err} (nothing imported)",
                        path.display()
                    );
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// What a WARN file's report adds: filings matched, superseded, and what `--announce` did.
fn warn_summary(r: &import::ImportReport) -> String {
    let mut out = format!(
        "; filings, not events: {} of the imported belong to companies in the record, {} \
         superseded notices skipped",
        r.filings_matched,
        r.superseded.len()
    );
    if r.announced > 0 {
        let _ = write!(out, "; {} posts queued about new filings", r.announced);
    }
    if let Some(new) = r.announce_withheld {
        let _ = write!(
            out,
            "; nothing announced: {new} new filings is more than --announce-max allows \
             (default {}), so none was posted (raise it with --announce-max N)",
            crate::service::filings::ANNOUNCE_MAX
        );
    }
    out
}

pub(super) fn print_report(name: &str, r: &import::ImportReport) {
    let verb = if r.dry_run {
        "would be imported"
    } else {
        "imported"
    };
    let mut out = format!(
        "{name} ({}): {} rows read, {} {verb}, {} duplicates skipped, {} rejected",
        r.layout.name(),
        r.read,
        r.imported,
        r.duplicates.len(),
        r.rejected.len()
    );
    if matches!(r.layout, import::parse::Layout::Warn(_)) {
        out.push_str(&warn_summary(r));
    }
    if !r.merged.is_empty() || !r.probable.is_empty() {
        let _ = write!(
            out,
            "; {} merged into events already listed (the same cut from another source), {} \
             probable duplicates held back",
            r.merged.len(),
            r.probable.len()
        );
    }
    out.push('\n');
    for p in &r.probable {
        let _ = writeln!(
            out,
            "  line {}: {} {} looks like #{} {}",
            p.line, p.company, p.date, p.event_id, p.event_company
        );
    }
    if !r.probable.is_empty() {
        out.push_str(
            "  (same date, number, city and industry under another name: add an alias with \
             `companies alias`, or import them with --accept-probable)\n",
        );
    }
    for rej in &r.rejected {
        let _ = writeln!(out, "  rejected line {}: {}", rej.line, rej.reason);
    }
    if r.dry_run {
        out.push_str("  dry run: nothing was written\n");
    }
    let _ = emit(&out);
}
