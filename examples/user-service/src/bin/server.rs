//! The UserService server: `server [--addr 127.0.0.1:50051] [--token T]`.
//! Prints `listening on ADDR` once it accepts connections; stops
//! gracefully on Ctrl-C or SIGTERM.

use std::sync::Arc;

use user_service_example::server::serve;
use user_service_example::store::Store;
use user_service_example::DEFAULT_TOKEN;

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!("shutting down: finishing calls in flight");
}

fn usage() -> ! {
    eprintln!("usage: server [--addr HOST:PORT] [--token TOKEN]");
    std::process::exit(2)
}

#[tokio::main]
async fn main() {
    let mut addr = "127.0.0.1:50051".to_string();
    let mut token = std::env::var("USER_SERVICE_TOKEN").unwrap_or_else(|_| DEFAULT_TOKEN.into());
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--addr" => addr = args.next().unwrap_or_else(|| usage()),
            "--token" => token = args.next().unwrap_or_else(|| usage()),
            _ => usage(),
        }
    }
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    let local = listener.local_addr().map(|a| a.to_string()).unwrap_or(addr);
    println!("listening on {local}");
    let store = Arc::new(Store::default());
    if let Err(e) = serve(listener, &token, store, shutdown_signal()).await {
        eprintln!("server error: {e}");
        std::process::exit(1);
    }
    println!("shut down cleanly");
}
