//! The stats chart: people per month as bars, on Discord's dark theme, drawn with plotters into
//! memory and encoded as PNG. The font is compiled in: hosts often have no fonts at all.

use std::sync::OnceLock;

use chrono::NaiveDate;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use super::{Image, truncate};
use crate::domain::Stats;
use crate::domain::stats::StatsSource;

/// The attachment's name, which the embed's image points at.
pub const FILENAME: &str = "layoffs-stats.png";
pub const WIDTH: u32 = 1000;
pub const HEIGHT: u32 = 500;
/// Space left of the plot for the people axis (its labels and description).
pub const Y_LABEL_AREA: u32 = 72;

const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";
/// Discord's dark theme behind embeds, its text colour, and a red that reads on both.
pub const BACKGROUND: RGBColor = RGBColor(0x2B, 0x2D, 0x31);
const TEXT: RGBColor = RGBColor(0xDB, 0xDE, 0xE1);
const GRID: RGBColor = RGBColor(0x40, 0x43, 0x49);
const BAR: RGBColor = RGBColor(0xE7, 0x4C, 0x3C);
/// Month labels at most; longer periods label every other month (or fewer).
const MAX_X_LABELS: usize = 12;

fn register_font() -> Result<(), String> {
    static LOADED: OnceLock<bool> = OnceLock::new();
    let ok = *LOADED
        .get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err("the embedded font does not load".to_string())
    }
}

/// 12k, 1.5M: what fits under a bar.
pub fn abbreviate(n: u64) -> String {
    let one = |v: f64, unit: &str| {
        let s = format!("{v:.1}");
        format!("{}{unit}", s.strip_suffix(".0").unwrap_or(&s))
    };
    match n {
        0..1_000 => n.to_string(),
        // 999,950 would round to "1000k".
        1_000..999_950 => one(n as f64 / 1e3, "k"),
        _ => one(n as f64 / 1e6, "M"),
    }
}

/// A round axis top at or above `max` (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten),
/// so that the tallest bar fills most of the height.
fn axis_top(max: u64) -> u64 {
    let mut step = 1u64;
    loop {
        for m in [10, 15, 20, 25, 30, 40, 50, 60, 80] {
            let top = step.saturating_mul(m) / 10;
            if top >= max {
                return top.max(1);
            }
        }
        match step.checked_mul(10) {
            Some(next) => step = next,
            None => return max,
        }
    }
}

fn month_label(month: &str) -> String {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map_or_else(|_| month.to_string(), |d| d.format("%b %Y").to_string())
}

/// The chart title: what was asked, cut to fit the width.
fn title(stats: &Stats) -> String {
    let subject = super::stats::subject(stats);
    let what = match stats.source {
        StatsSource::Events => "people laid off per month",
        StatsSource::Filings => "jobs in WARN notices per month",
    };
    truncate(&format!("{subject}: {what}"), 70)
}

/// The chart as a PNG attachment, drawn on a blocking thread (a few milliseconds of CPU that
/// must not hold up the runtime).
pub async fn stats_image(stats: &Stats) -> crate::error::Result<Image> {
    use crate::error::Error;
    let stats = stats.clone();
    let png = tokio::task::spawn_blocking(move || stats_chart(&stats))
        .await
        .map_err(|e| Error::Internal(format!("the chart task failed: {e}")))?
        .map_err(|e| Error::Internal(format!("cannot draw the chart: {e}")))?;
    Ok(Image {
        filename: FILENAME.to_string(),
        png,
    })
}

/// The chart as PNG bytes, [`WIDTH`] x [`HEIGHT`].
pub fn stats_chart(stats: &Stats) -> Result<Vec<u8>, String> {
    register_font()?;
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw(stats, &mut rgb).map_err(|e| e.to_string())?;
    encode(&rgb)
}

fn draw(stats: &Stats, rgb: &mut [u8]) -> Result<(), Box<dyn std::error::Error>> {
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&BACKGROUND)?;
    let months = &stats.months;
    let n = u32::try_from(months.len()).unwrap_or(u32::MAX).max(1);
    let max = months.iter().map(|m| m.totals.people).max().unwrap_or(0);
    let mut chart = ChartBuilder::on(&root)
        .caption(title(stats), (FAMILY, 24).into_font().color(&TEXT))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(Y_LABEL_AREA)
        // Segments 0..=n-1: one per month, none spare at the right (two at least: a range
        // must not be empty).
        .build_cartesian_2d((0..(n - 1).max(1)).into_segmented(), 0u64..axis_top(max))?;
    let step = months.len().div_ceil(MAX_X_LABELS).max(1);
    let label = |x: &SegmentValue<u32>| match x {
        SegmentValue::CenterOf(i) if (*i as usize).is_multiple_of(step) => months
            .get(*i as usize)
            .map(|m| month_label(&m.month))
            .unwrap_or_default(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(BACKGROUND)
        .axis_style(GRID)
        .x_labels(months.len())
        .x_label_formatter(&label)
        .y_labels(6)
        .y_label_formatter(&|y| abbreviate(*y))
        .y_desc(match stats.source {
            StatsSource::Events => "people (known numbers)",
            StatsSource::Filings => "jobs filed",
        })
        .x_desc("month")
        .label_style((FAMILY, 14).into_font().color(&TEXT))
        .axis_desc_style((FAMILY, 15).into_font().color(&TEXT))
        .draw()?;
    chart.draw_series(months.iter().enumerate().map(|(i, m)| {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        let mut bar = Rectangle::new(
            [
                (SegmentValue::Exact(i), 0),
                (SegmentValue::Exact(i + 1), m.totals.people),
            ],
            BAR.filled(),
        );
        bar.set_margin(0, 0, 3, 3);
        bar
    }))?;
    root.present()?;
    Ok(())
}

fn encode(rgb: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_abbreviated() {
        assert_eq!(abbreviate(0), "0");
        assert_eq!(abbreviate(999), "999");
        assert_eq!(abbreviate(1_000), "1k");
        assert_eq!(abbreviate(1_260), "1.3k");
        assert_eq!(abbreviate(999_960), "1M");
        assert_eq!(abbreviate(12_000), "12k");
        assert_eq!(abbreviate(2_500_000), "2.5M");
    }

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(axis_top(0), 1);
        assert_eq!(axis_top(7), 8);
        assert_eq!(axis_top(11), 15);
        assert_eq!(axis_top(51_000), 60_000);
        assert_eq!(axis_top(41_000), 50_000);
        assert_eq!(axis_top(u64::MAX), u64::MAX);
    }
}

#[cfg(test)]
mod drawing {
    use super::*;
    use crate::domain::{MonthTotal, Period, Totals};

    fn stats() -> Stats {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let months = (1..=11u64)
            .map(|m| MonthTotal {
                month: format!("2026-{m:02}"),
                totals: Totals {
                    events: 1,
                    people: m * 1_500,
                    unknown: 0,
                },
            })
            .collect();
        Stats {
            source: crate::domain::stats::StatsSource::Events,
            period: Period::YearToDate,
            range: Period::YearToDate.range(today, None),
            company: None,
            industry: None,
            country: None,
            totals: Totals::default(),
            year_earlier: None,
            top_companies: Vec::new(),
            top_industries: Vec::new(),
            top_countries: Vec::new(),
            months,
        }
    }

    /// Pixels in the box that are light grey or white: text, never bars, grid or background.
    fn text_pixels(rgb: &[u8], xs: std::ops::Range<u32>, ys: std::ops::Range<u32>) -> usize {
        let mut n = 0;
        for y in ys {
            for x in xs.clone() {
                let i = ((y * WIDTH + x) * 3) as usize;
                if rgb[i..i + 3].iter().all(|c| *c > 120) {
                    n += 1;
                }
            }
        }
        n
    }

    #[test]
    fn odd_series_still_draw() {
        let mut one = stats();
        one.months.truncate(1);
        assert!(stats_chart(&one).is_ok());
        let mut zeros = stats();
        for m in &mut zeros.months {
            m.totals.people = 0;
        }
        assert!(stats_chart(&zeros).is_ok());
        let mut long = stats();
        long.company = Some("X".repeat(500));
        long.months = (0..400)
            .map(|i| MonthTotal {
                month: format!("{:04}-{:02}", 1990 + i / 12, i % 12 + 1),
                totals: Totals::default(),
            })
            .collect();
        assert!(stats_chart(&long).is_ok());
    }

    #[test]
    fn the_chart_is_a_small_png_with_its_text_drawn() {
        let png = stats_chart(&stats()).unwrap();
        assert!(png.len() < 100_000, "{} bytes", png.len());
        let mut reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap();
        let mut rgb = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut rgb).unwrap();
        assert_eq!((frame.width, frame.height), (WIDTH, HEIGHT));
        assert_eq!(frame.color_type, png::ColorType::Rgb);
        // The font is compiled in, so this holds on hosts without any font installed.
        assert!(text_pixels(&rgb, 0..WIDTH, 0..44) > 300, "no title");
        assert!(
            text_pixels(&rgb, 0..Y_LABEL_AREA, 44..HEIGHT - 60) > 300,
            "no people axis labels"
        );
        assert!(
            text_pixels(&rgb, Y_LABEL_AREA..WIDTH, HEIGHT - 50..HEIGHT) > 300,
            "no months"
        );
    }
}
