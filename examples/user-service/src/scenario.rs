//! What the example client does, step by step, checking every answer: the
//! four call patterns, metadata, status codes, a deadline and the health
//! service. Run against our server by the tests and against a Python
//! grpcio server by scripts/grpc-interop.sh.

use std::time::Duration;

use tokio_stream::StreamExt;
use tonic::codegen::InterceptedService;
use tonic::transport::Channel;
use tonic::{Code, Request, Status};

use crate::auth::AttachToken;
use crate::pb::grpc::health::v1::health_check_response::ServingStatus;
use crate::pb::grpc::health::v1::health_client::HealthClient;
use crate::pb::grpc::health::v1::HealthCheckRequest;
use crate::service::{LATENCY_HEADER, REQUEST_ID_HEADER};
use crate::users::user_service_client::UserServiceClient;
use crate::users::{
    user_command, CreateUserRequest, GetUserRequest, ListUsersRequest, Role, User, UserCommand,
};

type Client = UserServiceClient<InterceptedService<Channel, AttachToken>>;

fn user(name: &str, email: &str, role: Role) -> User {
    User {
        name: name.into(),
        email: email.into(),
        role: role as i32,
        ..Default::default()
    }
}

fn ensure(cond: bool, what: impl Into<String>) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(what.into())
    }
}

fn expect_code<T: std::fmt::Debug>(
    r: Result<T, Status>,
    codes: &[Code],
    what: &str,
) -> Result<Status, String> {
    match r {
        Err(s) if codes.contains(&s.code()) => Ok(s),
        Err(s) => Err(format!(
            "{what}: expected {codes:?}, got {:?}: {}",
            s.code(),
            s.message()
        )),
        Ok(v) => Err(format!("{what}: expected {codes:?}, got an answer: {v:?}")),
    }
}

fn status(what: &str) -> impl Fn(Status) -> String + '_ {
    move |s| format!("{what}: {:?}: {}", s.code(), s.message())
}

async fn list(client: &mut Client, role: Role, page_size: i32) -> Result<Vec<User>, String> {
    let mut stream = client
        .list_users(ListUsersRequest {
            role: role as i32,
            page_size,
        })
        .await
        .map_err(status("ListUsers"))?
        .into_inner();
    let mut out = Vec::new();
    while let Some(u) = stream.next().await {
        out.push(u.map_err(status("ListUsers stream"))?);
    }
    Ok(out)
}

/// Runs every step against `channel`, logging one line per step; the first
/// failed check ends the run with its description.
pub async fn run(channel: Channel, token: &str, log: &mut dyn FnMut(String)) -> Result<(), String> {
    // Without a token: refused by the server's interceptor.
    let mut anonymous = UserServiceClient::new(channel.clone());
    let s = expect_code(
        anonymous.ping(()).await,
        &[Code::Unauthenticated],
        "Ping without token",
    )?;
    log(format!("no token: UNAUTHENTICATED ({})", s.message()));

    let attach = AttachToken::new(token).map_err(|s| s.message().to_string())?;
    let mut client: Client = UserServiceClient::with_interceptor(channel.clone(), attach);
    client.ping(()).await.map_err(status("Ping"))?;
    log("ping: ok".into());

    // Client streaming.
    let batch = [
        user("Ada Lovelace", "ada@example.com", Role::Admin),
        user("Grace Hopper", "grace@example.com", Role::Member),
        user("Linus Torvalds", "linus@example.com", Role::Member),
    ];
    let requests: Vec<CreateUserRequest> = batch
        .iter()
        .map(|u| CreateUserRequest {
            user: Some(u.clone()),
        })
        .collect();
    let summary = client
        .create_user(tokio_stream::iter(requests))
        .await
        .map_err(status("CreateUser"))?
        .into_inner();
    ensure(
        summary.created == 3 && summary.ids.len() == 3,
        format!("CreateUser summary: {summary:?}"),
    )?;
    log(format!(
        "client streaming CreateUser: created {} {:?}",
        summary.created, summary.ids
    ));
    let ids = summary.ids;

    let bad = vec![CreateUserRequest {
        user: Some(user("Nobody", "not-an-email", Role::Member)),
    }];
    let s = expect_code(
        client.create_user(tokio_stream::iter(bad)).await,
        &[Code::InvalidArgument],
        "CreateUser with a bad email",
    )?;
    log(format!("bad email: INVALID_ARGUMENT ({})", s.message()));

    // Unary, with metadata both ways.
    let mut req = Request::new(GetUserRequest { id: ids[0].clone() });
    req.metadata_mut()
        .insert(REQUEST_ID_HEADER, "req-42".parse().expect("ascii"));
    let resp = client.get_user(req).await.map_err(status("GetUser"))?;
    let echoed = resp
        .metadata()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let got = resp.into_inner();
    ensure(
        got.name == "Ada Lovelace" && got.role == Role::Admin as i32 && got.id == ids[0],
        format!("GetUser: {got:?}"),
    )?;
    ensure(got.created_at.is_some(), "GetUser: created_at not set")?;
    ensure(
        echoed.as_deref() == Some("req-42"),
        format!("x-request-id echoed as {echoed:?}"),
    )?;
    log(format!(
        "unary GetUser: {} <{}>, x-request-id echoed",
        got.name, got.email
    ));

    let s = expect_code(
        client
            .get_user(GetUserRequest {
                id: "does-not-exist".into(),
            })
            .await,
        &[Code::NotFound],
        "GetUser of an unknown id",
    )?;
    log(format!("unknown id: NOT_FOUND ({})", s.message()));
    let s = expect_code(
        client.get_user(GetUserRequest { id: String::new() }).await,
        &[Code::InvalidArgument],
        "GetUser without an id",
    )?;
    log(format!("empty id: INVALID_ARGUMENT ({})", s.message()));

    // Server streaming.
    let members = list(&mut client, Role::Member, 0).await?;
    let names: Vec<&str> = members.iter().map(|u| u.name.as_str()).collect();
    ensure(
        names == ["Grace Hopper", "Linus Torvalds"],
        format!("ListUsers(MEMBER): {names:?}"),
    )?;
    let page = list(&mut client, Role::Unspecified, 1).await?;
    ensure(
        page.len() == 1,
        format!("ListUsers(page_size=1): {} users", page.len()),
    )?;
    log(format!(
        "server streaming ListUsers: members {names:?}, page of {}",
        page.len()
    ));

    // Bidirectional streaming.
    let commands = vec![
        UserCommand {
            action: Some(user_command::Action::Upsert(user(
                "Barbara Liskov",
                "barbara@example.com",
                Role::Member,
            ))),
        },
        UserCommand {
            action: Some(user_command::Action::DeleteId(ids[2].clone())),
        },
    ];
    let mut events = client
        .process_users(tokio_stream::iter(commands))
        .await
        .map_err(status("ProcessUsers"))?
        .into_inner();
    let mut got = Vec::new();
    while let Some(e) = events.next().await {
        got.push(e.map_err(status("ProcessUsers stream"))?);
    }
    ensure(
        got.len() == 2,
        format!("ProcessUsers: {} events", got.len()),
    )?;
    ensure(
        !got[0].deleted && !got[0].id.is_empty(),
        format!("upsert event {:?}", got[0]),
    )?;
    ensure(
        got[1].deleted && got[1].id == ids[2],
        format!("delete event {:?}", got[1]),
    )?;
    let all: Vec<String> = list(&mut client, Role::Unspecified, 0)
        .await?
        .into_iter()
        .map(|u| u.name)
        .collect();
    ensure(
        all.len() == 3 && all.contains(&"Barbara Liskov".to_string()),
        format!("after ProcessUsers: {all:?}"),
    )?;
    log(format!(
        "bidi ProcessUsers: upserted {}, deleted {}",
        got[0].id, got[1].id
    ));

    // A deadline the server cannot meet.
    let mut slow = Request::new(GetUserRequest { id: ids[0].clone() });
    slow.metadata_mut()
        .insert(LATENCY_HEADER, "3000".parse().expect("ascii"));
    slow.set_timeout(Duration::from_millis(300));
    let started = std::time::Instant::now();
    let r = match tokio::time::timeout(Duration::from_millis(2000), client.get_user(slow)).await {
        Ok(r) => r,
        Err(_) => Err(Status::deadline_exceeded("client gave up")),
    };
    // tonic's server cuts the call at the deadline (CANCELLED, "Timeout
    // expired"); grpcio's reports DEADLINE_EXCEEDED.
    let s = expect_code(
        r,
        &[Code::DeadlineExceeded, Code::Cancelled],
        "GetUser past its deadline",
    )?;
    let took = started.elapsed();
    ensure(
        took < Duration::from_millis(2500),
        format!("deadline answer took {took:?}"),
    )?;
    log(format!(
        "deadline 300ms: {:?} after {} ms ({})",
        s.code(),
        took.as_millis(),
        s.message()
    ));

    // Health.
    let mut health = HealthClient::new(channel);
    for service in ["", "userservice.v1.UserService"] {
        let r = health
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .map_err(status("Health.Check"))?
            .into_inner();
        ensure(
            r.status == ServingStatus::Serving as i32,
            format!("Check({service:?}): {r:?}"),
        )?;
    }
    expect_code(
        health
            .check(HealthCheckRequest {
                service: "no.such.Service".into(),
            })
            .await,
        &[Code::NotFound],
        "Health.Check of an unknown service",
    )?;
    let mut watch = health
        .watch(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .map_err(status("Health.Watch"))?
        .into_inner();
    let first = watch
        .next()
        .await
        .ok_or("Health.Watch ended at once")?
        .map_err(status("Health.Watch stream"))?;
    ensure(
        first.status == ServingStatus::Serving as i32,
        format!("Watch: {first:?}"),
    )?;
    log("health: SERVING, unknown service NOT_FOUND, watch SERVING".into());
    Ok(())
}
