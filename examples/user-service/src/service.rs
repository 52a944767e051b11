//! The UserService implementation over the in-memory store.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::{Stream, StreamExt};
use tonic::metadata::MetadataMap;
use tonic::{Request, Response, Status, Streaming};

use crate::deadline::deadline;
use crate::store::{Invalid, Store};
use crate::users::user_service_server::UserService;
use crate::users::{
    user_command, CreateUserRequest, CreateUsersSummary, GetUserRequest, ListUsersRequest, Role,
    User, UserCommand, UserEvent,
};

/// Metadata asking the server to take this long per answer (per streamed
/// message for streams): how the examples and tests make a deadline
/// expire.
pub const LATENCY_HEADER: &str = "x-simulate-latency-ms";
/// Metadata the server copies into its response metadata.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// The service: a handle on the shared store.
#[derive(Clone, Default)]
pub struct Users {
    store: Arc<Store>,
}

impl Users {
    pub fn new(store: Arc<Store>) -> Self {
        Users { store }
    }
}

fn invalid(e: Invalid) -> Status {
    Status::invalid_argument(e.to_string())
}

fn latency(md: &MetadataMap) -> Result<Duration, Status> {
    match md.get(LATENCY_HEADER) {
        None => Ok(Duration::ZERO),
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .filter(|&ms| ms <= 60_000)
            .map(Duration::from_millis)
            .ok_or_else(|| Status::invalid_argument(format!("{LATENCY_HEADER}: 0..=60000 ms"))),
    }
}

/// Waits `d`, unless the deadline comes first.
async fn work(d: Duration, deadline: Option<Instant>) -> Result<(), Status> {
    if d.is_zero() {
        return Ok(());
    }
    let done = Instant::now() + d;
    match deadline {
        Some(dl) if dl < done => {
            tokio::time::sleep_until(dl).await;
            Err(Status::deadline_exceeded(
                "deadline expired before the work was done",
            ))
        }
        _ => {
            tokio::time::sleep_until(done).await;
            Ok(())
        }
    }
}

/// A response that carries the request's `x-request-id` back.
fn reply<T>(md: &MetadataMap, message: T) -> Response<T> {
    let mut r = Response::new(message);
    if let Some(id) = md.get(REQUEST_ID_HEADER) {
        r.metadata_mut().insert(REQUEST_ID_HEADER, id.clone());
    }
    r
}

#[tonic::async_trait]
impl UserService for Users {
    async fn get_user(&self, request: Request<GetUserRequest>) -> Result<Response<User>, Status> {
        let md = request.metadata().clone();
        let id = request.into_inner().id;
        if id.is_empty() {
            return Err(Status::invalid_argument("id must not be empty"));
        }
        work(latency(&md)?, deadline(&md)).await?;
        match self.store.get(&id) {
            Some(u) => Ok(reply(&md, u)),
            None => Err(Status::not_found(format!("no user with id {id:?}"))),
        }
    }

    type ListUsersStream = BoxStream<User>;

    async fn list_users(
        &self,
        request: Request<ListUsersRequest>,
    ) -> Result<Response<Self::ListUsersStream>, Status> {
        let md = request.metadata().clone();
        let req = request.into_inner();
        if req.page_size < 0 {
            return Err(Status::invalid_argument("page_size must not be negative"));
        }
        let role = Role::try_from(req.role)
            .map_err(|_| Status::invalid_argument(format!("unknown role {}", req.role)))?;
        let mut users = self.store.list(role);
        if req.page_size > 0 {
            users.truncate(usize::try_from(req.page_size).unwrap_or(usize::MAX));
        }
        let per_item = latency(&md)?;
        let deadline = deadline(&md);
        let (tx, rx) = mpsc::channel(4);
        tokio::spawn(async move {
            for u in users {
                if let Err(status) = work(per_item, deadline).await {
                    let _ = tx.send(Err(status)).await;
                    return;
                }
                if tx.send(Ok(u)).await.is_err() {
                    return; // the client went away
                }
            }
        });
        Ok(reply(
            &md,
            Box::pin(ReceiverStream::new(rx)) as BoxStream<User>,
        ))
    }

    async fn create_user(
        &self,
        request: Request<Streaming<CreateUserRequest>>,
    ) -> Result<Response<CreateUsersSummary>, Status> {
        let md = request.metadata().clone();
        let mut inbound = request.into_inner();
        let mut summary = CreateUsersSummary::default();
        while let Some(item) = inbound.next().await {
            let user = item?
                .user
                .ok_or_else(|| Status::invalid_argument("CreateUserRequest.user is required"))?;
            let created = self.store.create(user).map_err(invalid)?;
            summary.created += 1;
            summary.ids.push(created.id);
        }
        Ok(reply(&md, summary))
    }

    type ProcessUsersStream = BoxStream<UserEvent>;

    async fn process_users(
        &self,
        request: Request<Streaming<UserCommand>>,
    ) -> Result<Response<Self::ProcessUsersStream>, Status> {
        let md = request.metadata().clone();
        let mut inbound = request.into_inner();
        let store = self.store.clone();
        let (tx, rx) = mpsc::channel(4);
        tokio::spawn(async move {
            while let Some(item) = inbound.next().await {
                let event = match item {
                    Err(status) => Err(status),
                    Ok(UserCommand { action: None }) => {
                        Err(Status::invalid_argument("UserCommand.action is required"))
                    }
                    Ok(UserCommand {
                        action: Some(user_command::Action::Upsert(u)),
                    }) => store.upsert(u).map_err(invalid).map(|u| UserEvent {
                        id: u.id,
                        deleted: false,
                    }),
                    Ok(UserCommand {
                        action: Some(user_command::Action::DeleteId(id)),
                    }) => match store.delete(&id) {
                        Some(_) => Ok(UserEvent { id, deleted: true }),
                        None => Err(Status::not_found(format!("no user with id {id:?}"))),
                    },
                };
                let stop = event.is_err();
                if tx.send(event).await.is_err() || stop {
                    return;
                }
            }
        });
        Ok(reply(
            &md,
            Box::pin(ReceiverStream::new(rx)) as BoxStream<UserEvent>,
        ))
    }

    async fn ping(&self, request: Request<()>) -> Result<Response<()>, Status> {
        Ok(reply(request.metadata(), ()))
    }
}
