//! The web page in a real browser: headless Chromium (Debian's `chromium`, which `.ci/run`
//! installs and then sets BROWSER_REQUIRED) loads the home, a company and a stats page; the
//! rendered DOM has their headings, table rows and chart, the console shows no error (a
//! Content-Security-Policy refusal would be one), and screenshots at desktop and phone sizes
//! are saved under target/web-screenshots/.

use std::path::{Path, PathBuf};

use crate::web::site;

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// Chromium's flags for a one-shot headless run in a container.
const HEADLESS: [&str; 4] = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
];

/// The DOM after loading `url`, and what the browser logged (console messages included).
async fn rendered(bin: &Path, url: &str) -> (String, String) {
    let out = tokio::process::Command::new(bin)
        .args(HEADLESS)
        .args(["--enable-logging=stderr", "--v=0", "--dump-dom", url])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn screenshot(bin: &Path, url: &str, size: &str, file: &Path) {
    let out = tokio::process::Command::new(bin)
        .args(HEADLESS)
        .arg(format!("--window-size={size}"))
        .arg(format!("--screenshot={}", file.display()))
        .arg(url)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(file).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{}",
        file.display()
    );
}

#[tokio::test]
async fn pages_render_in_chromium_without_console_errors() {
    let Some(bin) = chromium() else {
        assert!(
            std::env::var_os("BROWSER_REQUIRED").is_none(),
            "chromium is not installed"
        );
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
        return;
    };
    let s = site().await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/web-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for (name, path, heading) in [
        ("home", "/", "<h1>Latest layoffs</h1>"),
        ("company", "/companies/amazon", "<h1>Amazon layoffs</h1>"),
        ("stats", "/stats?year=2023", "<h1>Layoffs, 2023</h1>"),
    ] {
        let url = format!("{}{path}", s.base);
        let (dom, log) = rendered(&bin, &url).await;
        assert!(dom.contains(heading), "{name}: {dom}");
        assert!(dom.matches("<tr>").count() > 5, "{name}: table rows");
        assert!(dom.contains(".png"), "{name}: the chart");
        let console: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("CONSOLE") || l.contains("Refused to"))
            .collect();
        assert!(console.is_empty(), "{name}: {console:#?}");
        for (size, label) in [("1280,1600", "desktop"), ("390,844", "phone")] {
            screenshot(&bin, &url, size, &shots.join(format!("{name}-{label}.png"))).await;
        }
    }
}
