//! The bearer-token interceptor: requests without `authorization: Bearer
//! <token>` are refused with `UNAUTHENTICATED` before they reach the
//! service.

use tonic::service::Interceptor;
use tonic::{Request, Status};

/// Checks the `authorization` metadata against one token.
#[derive(Clone)]
pub struct BearerAuth {
    expected: String,
}

impl BearerAuth {
    pub fn new(token: impl Into<String>) -> Self {
        BearerAuth {
            expected: format!("Bearer {}", token.into()),
        }
    }
}

impl Interceptor for BearerAuth {
    fn call(&mut self, request: Request<()>) -> Result<Request<()>, Status> {
        match request.metadata().get("authorization") {
            None => Err(Status::unauthenticated("missing bearer token")),
            Some(v) if v.as_bytes() == self.expected.as_bytes() => Ok(request),
            Some(_) => Err(Status::unauthenticated("invalid bearer token")),
        }
    }
}

/// Adds the token to every request a client sends.
#[derive(Clone)]
pub struct AttachToken {
    value: tonic::metadata::MetadataValue<tonic::metadata::Ascii>,
}

impl AttachToken {
    pub fn new(token: &str) -> Result<Self, Status> {
        let value = format!("Bearer {token}")
            .parse()
            .map_err(|_| Status::invalid_argument("token is not valid metadata"))?;
        Ok(AttachToken { value })
    }
}

impl Interceptor for AttachToken {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        request
            .metadata_mut()
            .insert("authorization", self.value.clone());
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer() {
        let mut auth = BearerAuth::new("t0k");
        let missing = auth.call(Request::new(())).unwrap_err();
        assert_eq!(missing.code(), tonic::Code::Unauthenticated);
        let mut wrong = Request::new(());
        wrong
            .metadata_mut()
            .insert("authorization", "Bearer other".parse().unwrap());
        assert_eq!(
            auth.call(wrong).unwrap_err().code(),
            tonic::Code::Unauthenticated
        );
        let ok = AttachToken::new("t0k")
            .unwrap()
            .call(Request::new(()))
            .unwrap();
        assert!(auth.call(ok).is_ok());
    }
}
