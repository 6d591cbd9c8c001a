//! Our listener under slow clients: over the connection cap the oldest connection gives way,
//! so a real request is answered; a client that never finishes its headers is cut off.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use layoffs_bot::serve::{Limits, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Limits with a cap of 4 connections and these deadlines.
fn four(headers: Duration, connection: Duration) -> Limits {
    Limits {
        connections: 4,
        headers,
        connection,
    }
}

async fn start(limits: Limits) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let router = Router::new().route("/", get(|| async { "hello" }));
    tokio::spawn(serve(listener, router, limits, std::future::pending()));
    addr
}

async fn half_sent(addr: &str) -> tokio::net::TcpStream {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    s
}

#[tokio::test]
async fn slow_clients_at_the_cap_give_way_to_a_real_request() {
    let addr = start(four(Duration::from_mins(1), Duration::from_mins(1))).await;
    let mut slow = Vec::new();
    for _ in 0..10 {
        slow.push(half_sent(&addr).await);
    }
    let answer = reqwest::get(format!("http://{addr}/")).await.unwrap();
    assert_eq!(answer.text().await.unwrap(), "hello");
    // The oldest slow clients were closed to make room.
    let mut buf = [0u8; 16];
    assert_eq!(slow[0].read(&mut buf).await.unwrap_or(0), 0);
}

#[tokio::test(start_paused = true)]
async fn headers_not_sent_in_time_close_the_connection() {
    let addr = start(four(Duration::from_secs(10), Duration::from_secs(30))).await;
    let mut slow = half_sent(&addr).await;
    let mut buf = [0u8; 64];
    // Paused time runs ahead while everything waits: the deadline passes at once.
    let read = slow.read(&mut buf).await.unwrap_or(0);
    let text = String::from_utf8_lossy(&buf[..read]).to_string();
    assert!(read == 0 || text.starts_with("HTTP/1.1 408"), "{text}");
}
