//! The `layoffs-bot` binary as a person runs it: output, errors on stderr, exit codes.

use std::process::{Command, Output};

use crate::support::data;

fn run(db: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_layoffs-bot"))
        .args(args)
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env_remove("RUST_LOG")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run layoffs-bot")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn import_query_companies_and_export_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let sample = data("data/sample_2024.csv");
    let sample = sample.to_str().unwrap();

    let out = run(&db, &["import", "--dry-run", sample]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .contains("13 rows read, 13 would be imported, 0 duplicates skipped, 0 rejected")
    );
    // The dry run wrote no event.
    let out = run(&db, &["query"]);
    assert!(
        stdout(&out).starts_with("Latest layoffs: 0 layoffs"),
        "{}",
        stdout(&out)
    );

    let out = run(&db, &["import", sample]);
    assert!(stdout(&out).contains("13 rows read, 13 imported, 0 duplicates skipped, 0 rejected"));

    let out = run(&db, &["query", "amazon"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.starts_with("Amazon: 2 layoffs, at least 400 people (1 without a reported number)"),
        "{text}"
    );
    let aws = text
        .find("2024-04-03 · hundreds · Seattle")
        .expect("AWS line");
    let feb = text
        .find("2024-02-06 · 400 people · Seattle")
        .expect("February line");
    assert!(aws < feb, "newest first");
    assert!(
        text.contains("Teams: Sales, marketing and global services; physical stores technology")
    );

    let out = run(&db, &["query"]);
    assert!(stdout(&out).starts_with("Latest layoffs: 13 layoffs"));

    let out = run(&db, &["companies", "ama"]);
    assert_eq!(stdout(&out).lines().next(), Some("Amazon"));
    let out = run(&db, &["companies", "gogle"]);
    assert_eq!(
        stdout(&out).lines().next(),
        Some("Google (alias of Alphabet)")
    );

    let out = run(&db, &["query", "amazn"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(r#"No company matches "amazn". Did you mean: Amazon?"#));

    let out = run(&db, &["export", "--company", "aws"]);
    let csv = stdout(&out);
    assert!(csv.starts_with("company,location,total_laid_off,date,percentage_laid_off"));
    assert_eq!(csv.lines().count(), 3);
}

#[test]
fn bad_input_gets_a_clear_error_and_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let warn = dir.path().join("warn.csv");
    std::fs::write(
        &warn,
        "Company,Location,Layoff Start Date\nAcme,Here,5/14/2022\n",
    )
    .unwrap();

    let out = run(&db, &["import", warn.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not a layoffs.fyi CSV export"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("nothing imported"));

    let out = run(&db, &["query", "--days", "0"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--days"));

    let out = run(&db, &["--database-url", "postgres://x", "query"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("DATABASE_URL must be a SQLite URL"));
    let missing_dir = dir.path().join("no/such/dir/x.db");
    let out = run(&missing_dir, &["query"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot open the store"),
        "{}",
        stderr(&out)
    );

    let out = run(&db, &["import"]);
    assert!(!out.status.success());
    assert!(!stderr(&out).contains("panicked"));
}

/// A progress bar on a terminal (a pseudo-terminal from `script`, util-linux), and not a byte
/// of it when standard error is a pipe, as in scripts and CI logs.
#[test]
fn import_shows_progress_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let sample = data("tests/data/layoffs_fyi_sample.csv");
    let sample = sample.to_str().unwrap();
    let out = run(&db, &["import", sample]);
    assert!(out.status.success());
    assert_eq!(
        stderr(&out),
        "",
        "nothing but the report when stderr is not a terminal"
    );

    std::fs::remove_file(&db).unwrap();
    let command = format!("{} import {sample}", env!("CARGO_BIN_EXE_layoffs-bot"));
    let tty = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("RUST_LOG", "off")
        .output()
        .expect("script (util-linux) runs the import on a pseudo-terminal");
    let screen = String::from_utf8_lossy(&tty.stdout);
    assert!(screen.contains("rows/s"), "{screen}");
    assert!(screen.contains("4277 rows read, 4269 imported"), "{screen}");
}

#[test]
fn commands_that_only_read_do_not_create_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("typo.db");
    for args in [
        &["query"][..],
        &["companies", "ama"],
        &["totals"],
        &["deliveries"],
        &["export"],
    ] {
        let out = run(&db, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).contains("is created by the first `layoffs-bot import FILE`"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!db.exists(), "{args:?} created the store");
    }
    // Writing commands create it.
    let out = run(&db, &["deliveries", "--retry-dead"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(db.exists());
}

#[test]
fn a_failed_export_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let sample = data("data/sample_2024.csv");
    assert!(
        run(&db, &["import", sample.to_str().unwrap()])
            .status
            .success()
    );
    // The target is a directory that is not empty: the final rename fails.
    let target = dir.path().join("out");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep"), "x").unwrap();
    let out = run(&db, &["export", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("nothing was exported"),
        "{}",
        stderr(&out)
    );
    let partial = dir.path().join("out.csv.partial");
    assert!(!partial.exists(), "a .csv.partial was left behind");
}

#[test]
fn stats_prints_the_facts_and_writes_the_chart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let sample = data("tests/data/layoffs_fyi_sample.csv");
    assert!(
        run(&db, &["import", sample.to_str().unwrap()])
            .status
            .success()
    );
    let png = dir.path().join("chart.png");
    let out = run(
        &db,
        &[
            "stats",
            "--year",
            "2023",
            "--industry",
            "retail",
            "--png",
            png.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            // Cart.com's two 2023-01-10 reports are one layoff.
            "Retail, 2023\n  108 layoffs, at least 31,792 people (34 without a number)\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("Top companies:\n  1. Amazon: 17,260 people\n"),
        "{text}"
    );
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(stderr(&out).contains("chart written to"));

    let out = run(&db, &["stats", "--period", "all", "--company", "AWS"]);
    assert!(
        stdout(&out).starts_with("Amazon, all time\n"),
        "{}",
        stdout(&out)
    );

    // Nothing for the filters: a short answer, no chart, not an error.
    let empty = dir.path().join("empty.png");
    let out = run(
        &db,
        &["stats", "--year", "2001", "--png", empty.to_str().unwrap()],
    );
    assert!(out.status.success());
    assert_eq!(stdout(&out), "No layoffs in 2001.\n");
    assert!(!empty.exists());

    for (args, expected) in [
        (
            &["stats", "--industry", "retial"][..],
            "Did you mean: Retail",
        ),
        (&["stats", "--year", "2999"][..], "has not started yet"),
        (
            &["stats", "--period", "fortnight"][..],
            "the period must be one of",
        ),
        (
            &["stats", "--period", "ytd", "--year", "2023"][..],
            "Give either a period or a year, not both.",
        ),
    ] {
        let out = run(&db, args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn curators_fix_names_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let sample = data("tests/data/layoffs_fyi_sample.csv");
    let classic = data("tests/data/layoffs_fyi_classic_2361.csv");
    let (sample, classic) = (sample.to_str().unwrap(), classic.to_str().unwrap());
    assert!(run(&db, &["import", sample]).status.success());
    let out = run(&db, &["import", classic]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "2361 rows read, 1 imported, 2344 duplicates skipped, 1 rejected; 11 merged into \
             events already listed (the same cut from another source), 4 probable duplicates \
             held back"
        ),
        "{text}"
    );
    assert!(
        text.contains("  line 95: Momentive 2023-02-15 looks like #"),
        "{text}"
    );
    assert!(text.contains(" SurveyMonkey\n"), "{text}");

    let out = run(&db, &["companies", "alias", "Momentive", "surveymonkey"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "\"Momentive\" now finds SurveyMonkey.\n");
    let out = run(&db, &["companies", "momentive"]);
    assert!(
        stdout(&out).starts_with("Momentive (alias of SurveyMonkey)\n"),
        "{}",
        stdout(&out)
    );
    let out = run(&db, &["import", "--dry-run", classic]);
    assert!(
        stdout(&out).contains("2 merged into events already listed"),
        "{}",
        stdout(&out)
    );

    // Merging into itself, or an unknown company: stderr and exit 1.
    for args in [
        &["companies", "merge", "Momentive", "SurveyMonkey"][..],
        &["companies", "merge", "Nobody Inc Here", "SurveyMonkey"][..],
        &["companies", "alias", "Akili Labs", "SurveyMonkey"][..],
    ] {
        let out = run(&db, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).starts_with("error: "),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn logs_are_json_lines_with_log_format_json_and_a_bad_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let sample = data("data/sample_2024.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_layoffs-bot"))
        .args(["import", sample.to_str().unwrap()])
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "layoffs_bot=debug")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let logs = stderr(&out);
    assert!(!logs.trim().is_empty(), "debug logs expected");
    for line in logs.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect(line);
        assert!(
            v["level"].is_string() && v["timestamp"].is_string(),
            "{line}"
        );
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_layoffs-bot"))
        .arg("query")
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("LOG_FORMAT", "xml")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("LOG_FORMAT must be text or json"),
        "{}",
        stderr(&bad)
    );
}
