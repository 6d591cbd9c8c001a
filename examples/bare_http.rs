//! The baseline of the web benchmark (benches/web_vs_bare.sh): a bare axum handler returning a
//! fixed string, on the same accept loop as layoffs-bot's pages. Usage: bare_http ADDR

use axum::Router;
use axum::routing::get;

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8081".into());
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    let router = Router::new().route("/", get(|| async { "layoffs-bot\n" }));
    let limits = layoffs_bot::serve::Limits::standard();
    layoffs_bot::serve::serve(listener, router, limits, std::future::pending()).await;
}
