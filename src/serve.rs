//! Serving an axum router to the open internet without trusting clients: a cap on connections
//! held at once (over it, the oldest connection is closed to make room: real requests take
//! milliseconds, so the oldest is a slow client's, and slow clients can never take the
//! descriptors the bot's own calls need nor keep a real request out), a deadline for a
//! request's headers, and one for a whole connection (which bounds a slowly sent body).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot, watch};

/// Open connections by age (their number), each with the means to close it.
#[derive(Default)]
struct Open {
    next: u64,
    closers: BTreeMap<u64, oneshot::Sender<()>>,
}

impl Open {
    fn add(open: &Mutex<Self>) -> (u64, oneshot::Receiver<()>) {
        let (close, closed) = oneshot::channel();
        let mut o = open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let id = o.next;
        o.next += 1;
        o.closers.insert(id, close);
        (id, closed)
    }

    fn remove(open: &Mutex<Self>, id: u64) {
        let mut o = open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        o.closers.remove(&id);
    }

    /// Closes the oldest open connection.
    fn close_oldest(open: &Mutex<Self>) {
        let mut o = open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, close)) = o.closers.pop_first() {
            let _ = close.send(());
        }
    }
}

/// What one listener allows a client.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections served at once.
    pub connections: usize,
    /// From accepting a connection (or the end of its last request) to its request's headers.
    pub headers: Duration,
    /// A connection's whole life: bodies sent slower than this are cut off.
    pub connection: Duration,
}

impl Limits {
    /// 10 s for headers, 30 s for a connection, and as many connections as leave the process
    /// a reserve of descriptors for its own calls and the store (at most 1,024).
    pub fn standard() -> Self {
        Self {
            connections: connection_cap(open_files_limit()),
            headers: Duration::from_secs(10),
            connection: Duration::from_secs(30),
        }
    }
}

/// Descriptors kept for everything but served connections.
const RESERVE: u64 = 256;

fn connection_cap(open_files: Option<u64>) -> usize {
    let cap = open_files.map_or(1024, |n| n.saturating_sub(RESERVE));
    usize::try_from(cap.clamp(16, 1024)).unwrap_or(1024)
}

/// The soft limit on open files, as Linux reports it (none elsewhere).
fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Serves `router` on `listener` until `shutdown`, then lets open requests finish (up to the
/// connection deadline).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let permits = Arc::new(Semaphore::new(limits.connections));
    let (stop, stopping) = watch::channel(false);
    let open = Arc::new(Mutex::new(Open::default()));
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors or a reset before accept: brief, and not fatal.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let permit = if let Ok(permit) = Arc::clone(&permits).try_acquire_owned() {
            permit
        } else {
            tracing::debug!("at the connection cap: closing the oldest connection");
            Open::close_oldest(&open);
            let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                break;
            };
            permit
        };
        let (id, closed) = Open::add(&open);
        let (service, stopping) = (TowerToHyperService::new(router.clone()), stopping.clone());
        let open = Arc::clone(&open);
        tokio::spawn(async move {
            serve_connection(stream, service, limits, stopping, closed).await;
            Open::remove(&open, id);
            drop(permit);
        });
    }
    let _ = stop.send(true);
    let all = u32::try_from(limits.connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(limits.connection, permits.acquire_many(all)).await;
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    service: TowerToHyperService<Router>,
    limits: Limits,
    mut stopping: watch::Receiver<bool>,
    closed: oneshot::Receiver<()>,
) {
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.headers)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        () = tokio::time::sleep(limits.connection) => {}
        _ = closed => {}
        _ = stopping.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(limits.connection, conn).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_descriptors_for_the_bots_own_calls() {
        assert_eq!(connection_cap(Some(1024)), 768);
        assert_eq!(connection_cap(Some(20_000)), 1024);
        assert_eq!(connection_cap(Some(100)), 16);
        assert_eq!(connection_cap(None), 1024);
    }
}
