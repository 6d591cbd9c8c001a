//! An import's file, opened once (a pipe can be read only once) with its bounds enforced while
//! reading: at most [`MAX_FILE_BYTES`] in all, and no line longer than [`MAX_LINE_BYTES`], so a
//! stream that never ends a line is refused within a moment, with its line number.

use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::Path;

use crate::error::{Error, Result};

/// Larger files are surely not a layoffs export (the real ones are about 1 MB); refusing them
/// bounds memory, since one CSV field is buffered whole.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// No row of a layoffs.fyi or WARN file comes near this.
pub const MAX_LINE_BYTES: u64 = 1024 * 1024;

/// A reader that fails once a line grows past [`MAX_LINE_BYTES`], naming it.
pub struct LineCap<R> {
    inner: R,
    /// Line breaks read so far.
    lines: u64,
    /// Bytes of the current line read so far.
    run: u64,
}

impl<R> LineCap<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            lines: 0,
            run: 0,
        }
    }

    fn too_long(&self) -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "line {} is longer than {MAX_LINE_BYTES} bytes, which no row of a layoffs \
                 or WARN file is; nothing was imported",
                self.lines + 1
            ),
        )
    }
}

impl<R: Read> Read for LineCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut start = 0;
        for at in memchr::memchr_iter(b'\n', &buf[..n]) {
            if self.run + (at - start) as u64 > MAX_LINE_BYTES {
                return Err(self.too_long());
            }
            self.lines += 1;
            self.run = 0;
            start = at + 1;
        }
        self.run += (n - start) as u64;
        if self.run > MAX_LINE_BYTES {
            return Err(self.too_long());
        }
        Ok(n)
    }
}

/// The file's text from its start, bounded.
pub type Stream = std::io::Chain<Cursor<Vec<u8>>, BufReader<LineCap<std::io::Take<std::fs::File>>>>;

/// Opens `path` once: its first line (which says what the file is), and a reader of the
/// whole file from its start. Blocks (a pipe waits for its writer): call off the runtime.
pub fn open(path: &Path) -> Result<(Vec<u8>, Stream)> {
    let cannot = |e: std::io::Error| Error::BadFile(format!("cannot read {}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let size = file.metadata().map_err(cannot)?.len();
    if size > MAX_FILE_BYTES {
        return Err(too_large(size));
    }
    // Devices and pipes report no size: the cap is enforced while reading too.
    let mut reader = BufReader::new(LineCap::new(file.take(MAX_FILE_BYTES + 1)));
    let start = reader
        .fill_buf()
        .map_err(|e| Error::BadFile(format!("cannot read the file: {e}")))?;
    if start.contains(&0) {
        return Err(binary());
    }
    let mut first = Vec::new();
    reader
        .read_until(b'\n', &mut first)
        .map_err(|e| Error::BadFile(format!("cannot read the file: {e}")))?;
    Ok((first.clone(), Cursor::new(first).chain(reader)))
}

pub(super) fn too_large(size: u64) -> Error {
    Error::BadFile(format!(
        "the file is {size} bytes or more; the limit is {MAX_FILE_BYTES}"
    ))
}

pub(super) fn binary() -> Error {
    Error::BadFile("this is a binary file, not a layoffs.fyi CSV export".into())
}

/// Reads the rest of `stream` into memory (WARN files, read whole): bounded as it reads.
pub fn read_all(mut stream: impl BufRead) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    stream
        .read_to_end(&mut bytes)
        .map_err(|e| Error::BadFile(format!("cannot read the file: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_line_is_refused_with_its_number() {
        let mut text = b"company,location\nshort,row\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 2 * 1024 * 1024));
        let mut out = Vec::new();
        let err = LineCap::new(text.as_slice())
            .read_to_end(&mut out)
            .unwrap_err();
        assert!(
            err.to_string().starts_with("line 3 is longer than"),
            "{err}"
        );
    }

    #[test]
    fn lines_within_the_cap_pass_whatever_the_reads() {
        let line = format!("{}\n", "y".repeat(1024 * 1024 - 1));
        let text = line.repeat(3);
        let mut out = Vec::new();
        BufReader::with_capacity(7, LineCap::new(text.as_bytes()))
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out.len(), text.len());
    }
}
