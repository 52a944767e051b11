//! The standard health service, `grpc.health.v1.Health`, on code
//! protoforge generated from our own schema text.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;
use tokio_stream::wrappers::WatchStream;
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status};

use crate::pb::grpc::health::v1::health_check_response::ServingStatus;
use crate::pb::grpc::health::v1::health_server::Health;
use crate::pb::grpc::health::v1::{
    HealthCheckRequest, HealthCheckResponse, HealthListRequest, HealthListResponse,
};

type Statuses = BTreeMap<String, watch::Sender<ServingStatus>>;

/// Serving status by service name ("" for the whole server); shared by
/// the health service and whoever changes statuses.
#[derive(Clone, Default)]
pub struct HealthReporter {
    statuses: Arc<Mutex<Statuses>>,
}

impl HealthReporter {
    fn lock(&self) -> std::sync::MutexGuard<'_, Statuses> {
        self.statuses.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sets a service's status; watchers see the change.
    pub fn set(&self, service: &str, status: ServingStatus) {
        let mut g = self.lock();
        match g.get(service) {
            Some(tx) => {
                tx.send_replace(status);
            }
            None => {
                g.insert(service.to_string(), watch::channel(status).0);
            }
        }
    }

    pub fn get(&self, service: &str) -> Option<ServingStatus> {
        self.lock().get(service).map(|tx| *tx.borrow())
    }

    /// At shutdown: every known service becomes NOT_SERVING, and the
    /// Watch calls open now end after telling so, so that they do not hold
    /// up the graceful stop.
    pub fn shutdown(&self) {
        for tx in self.lock().values_mut() {
            tx.send_replace(ServingStatus::NotServing);
            // Dropping the old sender ends its receivers once they have
            // seen the last value.
            *tx = watch::channel(ServingStatus::NotServing).0;
        }
    }

    fn subscribe(&self, service: &str) -> watch::Receiver<ServingStatus> {
        let mut g = self.lock();
        g.entry(service.to_string())
            .or_insert_with(|| watch::channel(ServingStatus::ServiceUnknown).0)
            .subscribe()
    }
}

/// The health service.
pub struct HealthService {
    reporter: HealthReporter,
}

impl HealthService {
    pub fn new(reporter: HealthReporter) -> Self {
        HealthService { reporter }
    }
}

fn response(status: ServingStatus) -> HealthCheckResponse {
    HealthCheckResponse {
        status: status as i32,
    }
}

type WatchResponses = Pin<Box<dyn Stream<Item = Result<HealthCheckResponse, Status>> + Send>>;

#[tonic::async_trait]
impl Health for HealthService {
    async fn check(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        let service = request.into_inner().service;
        match self.reporter.get(&service) {
            Some(s) if s != ServingStatus::ServiceUnknown => Ok(Response::new(response(s))),
            _ => Err(Status::not_found(format!("unknown service {service:?}"))),
        }
    }

    async fn list(
        &self,
        _request: Request<HealthListRequest>,
    ) -> Result<Response<HealthListResponse>, Status> {
        let statuses = self
            .reporter
            .lock()
            .iter()
            .filter(|(_, tx)| *tx.borrow() != ServingStatus::ServiceUnknown)
            .map(|(name, tx)| (name.clone(), response(*tx.borrow())))
            .collect();
        Ok(Response::new(HealthListResponse { statuses }))
    }

    type WatchStream = WatchResponses;

    async fn watch(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        let rx = self.reporter.subscribe(&request.into_inner().service);
        let stream = WatchStream::new(rx).map(|s| Ok(response(s)));
        Ok(Response::new(Box::pin(stream) as WatchResponses))
    }
}
