//! Generates the messages, the service traits and the clients for the
//! UserService and the standard health service with protoforge (no
//! protoc): `$OUT_DIR/mod.rs` holds the module tree.
fn main() -> std::io::Result<()> {
    protoforge::Builder::new()
        // fixtures/user_service.proto is the seed's schema; the health
        // service's schema is protoforge's own text of grpc.health.v1.
        .include("../../fixtures")
        .include("../../fixtures/grpc")
        .compile(&["user_service.proto", "grpc/health/v1/health.proto"])
}
