//! The UserService client: `client [--target http://127.0.0.1:50051]
//! [--token T]`. Runs every call pattern against the server and checks
//! each answer; exits 1 at the first surprise.

use std::time::Duration;

use tonic::transport::Endpoint;
use user_service_example::scenario;
use user_service_example::DEFAULT_TOKEN;

fn usage() -> ! {
    eprintln!("usage: client [--target URL] [--token TOKEN]");
    std::process::exit(2)
}

#[tokio::main]
async fn main() {
    let mut target = "http://127.0.0.1:50051".to_string();
    let mut token = std::env::var("USER_SERVICE_TOKEN").unwrap_or_else(|_| DEFAULT_TOKEN.into());
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--target" => target = args.next().unwrap_or_else(|| usage()),
            "--token" => token = args.next().unwrap_or_else(|| usage()),
            _ => usage(),
        }
    }
    let endpoint = match Endpoint::from_shared(target.clone()) {
        Ok(e) => e.connect_timeout(Duration::from_secs(5)),
        Err(e) => {
            eprintln!("bad target {target}: {e}");
            std::process::exit(2);
        }
    };
    let channel = match endpoint.connect().await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot connect to {target}: {e}");
            std::process::exit(1);
        }
    };
    let mut log = |line: String| println!("{line}");
    match scenario::run(channel, &token, &mut log).await {
        Ok(()) => println!("all checks passed"),
        Err(e) => {
            eprintln!("FAILED: {e}");
            std::process::exit(1);
        }
    }
}
