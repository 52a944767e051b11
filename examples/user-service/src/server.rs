//! Serving: the UserService behind the bearer-token interceptor and the
//! health service, until a shutdown signal, then a graceful stop.

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::Server;

use crate::auth::BearerAuth;
use crate::health::{HealthReporter, HealthService};
use crate::pb::grpc::health::v1::health_check_response::ServingStatus;
use crate::pb::grpc::health::v1::health_server::HealthServer;
use crate::service::Users;
use crate::store::Store;
use crate::users::user_service_server::{self, UserServiceServer};

/// Serves on `listener` until `shutdown` completes; then every service is
/// reported NOT_SERVING (and health watches end), new calls are refused
/// and calls in flight finish.
pub async fn serve(
    listener: TcpListener,
    token: &str,
    store: Arc<Store>,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), tonic::transport::Error> {
    let reporter = HealthReporter::default();
    reporter.set("", ServingStatus::Serving);
    reporter.set(user_service_server::SERVICE_NAME, ServingStatus::Serving);
    let users = UserServiceServer::with_interceptor(Users::new(store), BearerAuth::new(token));
    let health = HealthServer::new(HealthService::new(reporter.clone()));
    Server::builder()
        .add_service(health)
        .add_service(users)
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async move {
            shutdown.await;
            reporter.shutdown();
        })
        .await
}
