//! The example client's checks against the example server, in one
//! process over loopback, then a graceful shutdown with a call in flight.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tonic::transport::Endpoint;
use user_service_example::pb::grpc::health::v1::health_client::HealthClient;
use user_service_example::pb::grpc::health::v1::HealthCheckRequest;
use user_service_example::server::serve;
use user_service_example::service::LATENCY_HEADER;
use user_service_example::store::Store;
use user_service_example::users::user_service_client::UserServiceClient;
use user_service_example::users::{CreateUserRequest, GetUserRequest, User};
use user_service_example::{auth::AttachToken, scenario};

async fn start() -> (
    String,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<Result<(), tonic::transport::Error>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(
        listener,
        "s3cret",
        Arc::new(Store::default()),
        async {
            let _ = rx.await;
        },
    ));
    (addr, tx, server)
}

#[tokio::test]
async fn scenario_passes_against_our_server() {
    let (addr, stop, server) = start().await;
    let channel = Endpoint::from_shared(addr)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut lines = Vec::new();
    let r = scenario::run(channel, "s3cret", &mut |l| lines.push(l)).await;
    assert_eq!(r, Ok(()), "{lines:#?}");
    assert!(lines.len() >= 10, "{lines:#?}");
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("server stops")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn wrong_token_is_unauthenticated() {
    let (addr, stop, _server) = start().await;
    let channel = Endpoint::from_shared(addr)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut client =
        UserServiceClient::with_interceptor(channel, AttachToken::new("wrong").unwrap());
    let s = client.ping(()).await.unwrap_err();
    assert_eq!(s.code(), tonic::Code::Unauthenticated);
    let _ = stop.send(());
}

#[tokio::test]
async fn graceful_shutdown_finishes_calls_in_flight() {
    let (addr, stop, server) = start().await;
    let channel = Endpoint::from_shared(addr)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut client =
        UserServiceClient::with_interceptor(channel.clone(), AttachToken::new("s3cret").unwrap());
    let created = client
        .create_user(tokio_stream::iter(vec![CreateUserRequest {
            user: Some(User {
                name: "Ada".into(),
                email: "ada@example.com".into(),
                ..Default::default()
            }),
        }]))
        .await
        .unwrap()
        .into_inner();
    // A call that takes 500 ms, then the shutdown signal while it runs.
    let mut slow = tonic::Request::new(GetUserRequest {
        id: created.ids[0].clone(),
    });
    slow.metadata_mut()
        .insert(LATENCY_HEADER, "500".parse().unwrap());
    let mut c2 = client.clone();
    let in_flight = tokio::spawn(async move { c2.get_user(slow).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Health turns NOT_SERVING as the shutdown starts.
    let mut health = HealthClient::new(channel);
    let mut watch = health
        .watch(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(watch.message().await.unwrap().unwrap().status, 1);
    stop.send(()).unwrap();
    assert_eq!(watch.message().await.unwrap().unwrap().status, 2);
    // ... and the watch ends, so that it does not hold the server up.
    assert!(watch.message().await.unwrap().is_none());
    let answer = in_flight
        .await
        .unwrap()
        .expect("the call in flight completes");
    assert_eq!(answer.into_inner().name, "Ada");
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("server stops")
        .unwrap()
        .unwrap();
}
