//! gRPC services as tonic 0.14 code, in the shape tonic-build 0.14 gives
//! it (through tonic-prost-build), so that code written against one works
//! with the other unchanged.
//!
//! For every service of a file, after the file's messages and enums:
//!
//! * `pub mod <snake>_client` with `<Service>Client<T>`: `connect` (unless
//!   `build_transport=false`), `new`, `with_origin`, `with_interceptor`,
//!   compression and message-size settings, and one async method per RPC;
//! * `pub mod <snake>_server` with the `<Service>` trait (one async method
//!   per RPC, plus an associated `<Method>Stream` type for server
//!   streaming), `<Service>Server<T>` (a tower `Service` routing
//!   `/<package>.<Service>/<Method>`, `UNIMPLEMENTED` for anything else),
//!   `NamedService` and `SERVICE_NAME`.
//!
//! Naming follows tonic-build: the module names come from the
//! UpperCamelCase service name with `_` before every uppercase letter that
//! follows another character, `<Method>Stream` and `<Method>Svc` keep the
//! RPC's name as written in the .proto file, and client and trait methods
//! are snake_case. Messages are coded with `codec_path`
//! (`tonic_prost::ProstCodec` by default).
//!
//! Where tonic-build writes code that does not compile (a request type
//! mapped by `extern_path` to a primitive such as `bool` gets `super::`
//! put in front of it), we write the type as it is; where its code draws a
//! warning (`<method>Stream` for an RPC named in snake_case) we add
//! `#[allow(non_camel_case_types)]`.

use super::Emit;
use rustc_hash::FxHashMap as HashMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::options::{PathMap, ServiceOptions};
use super::{comments, ident, Context, Scope};
use crate::descriptor::source_code_info::Location;
use crate::descriptor::{FileDescriptorProto, MethodDescriptorProto, ServiceDescriptorProto};
use crate::diagnostics::Diagnostic;

/// tonic-build's module-name rule: lowercase every character and put `_`
/// before each uppercase letter that follows another character
/// (`UserService` → `user_service`, `ABCService` → `a_b_c_service`).
pub fn module_snake(name: &str) -> String {
    let mut s = String::with_capacity(name.len() + 4);
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        s.push(c.to_ascii_lowercase());
        if chars.peek().is_some_and(|n| n.is_uppercase()) {
            s.push('_');
        }
    }
    s
}

/// What one RPC needs for code generation.
struct Rpc {
    /// The name in the .proto file (`GetUser`).
    proto_name: String,
    /// snake_case, escaped (`get_user`).
    method: TokenStream,
    request: TokenStream,
    response: TokenStream,
    client_streaming: bool,
    server_streaming: bool,
    deprecated: bool,
    docs: TokenStream,
}

/// Generates the services of one file.
pub struct ServiceGen<'c, 'a> {
    ctx: &'c Context<'a>,
    opts: &'c ServiceOptions,
    file: &'a FileDescriptorProto,
    scope: Scope,
    locations: HashMap<&'a [i32], &'a Location>,
    pub diagnostics: Vec<Diagnostic>,
}

impl super::Emit for ServiceGen<'_, '_> {
    fn error(&mut self, msg: String) {
        let name = self.file.name().to_string();
        self.diagnostics
            .push(Diagnostic::error("rust-codegen", format!("{name}: {msg}")));
    }
}

impl<'c, 'a> ServiceGen<'c, 'a> {
    pub fn new(ctx: &'c Context<'a>, file: &'a FileDescriptorProto) -> Self {
        let mut locations = HashMap::default();
        if let Some(sci) = &file.source_code_info {
            for loc in &sci.location {
                locations.entry(loc.path.as_slice()).or_insert(loc);
            }
        }
        ServiceGen {
            ctx,
            opts: &ctx.opts.services,
            file,
            scope: Scope {
                package: file.package().to_string(),
                type_path: Vec::new(),
            },
            locations,
            diagnostics: Vec::new(),
        }
    }

    fn attrs(&mut self, map: &PathMap<String>, fq: &str) -> TokenStream {
        let texts: Vec<String> = map.all(fq).cloned().collect();
        let mut t = TokenStream::new();
        for a in texts {
            t.extend(self.tokens(&a, "attribute"));
        }
        t
    }

    /// Leading comments only, as tonic-build does.
    fn docs(&self, path: &[i32], fq: &str) -> TokenStream {
        if self.ctx.opts.disable_comments.matches(fq) {
            return TokenStream::new();
        }
        let Some(loc) = self.locations.get(path) else {
            return TokenStream::new();
        };
        let lines = comments::doc_lines(loc.leading_comments(), None);
        self.ctx.doc_attr(lines)
    }

    /// The Rust type of a request or response message, seen from inside
    /// the `_client`/`_server` module.
    fn message_type(&mut self, fq: &str, what: &str) -> TokenStream {
        if let Some(ext) = self.ctx.resolve_extern(fq) {
            return self.tokens(&ext, "extern path");
        }
        match self.ctx.resolve_ident(&self.scope, fq) {
            Some(rel) => self.tokens(&format!("super::{rel}"), "type path"),
            None => {
                self.error(format!("unresolved {what} type \"{fq}\""));
                TokenStream::new()
            }
        }
    }

    /// Client and server modules for every service of the file.
    pub fn file(&mut self) -> TokenStream {
        let mut t = TokenStream::new();
        if !self.opts.build_client && !self.opts.build_server {
            return t;
        }
        let file = self.file;
        for (i, s) in file.service.iter().enumerate() {
            t.extend(self.service(s, i as i32));
        }
        t
    }

    fn service(&mut self, s: &'a ServiceDescriptorProto, index: i32) -> TokenStream {
        let package = self.file.package().to_string();
        let full_name = if package.is_empty() {
            s.name().to_string()
        } else {
            format!("{package}.{}", s.name())
        };
        let fq = format!(".{full_name}");
        let fq_package = if package.is_empty() {
            String::new()
        } else {
            format!(".{package}")
        };
        let camel = ident::camel(s.name());
        let mod_base = module_snake(camel.strip_prefix("r#").unwrap_or(&camel));
        let docs = self.docs(&[6, index], &fq);
        let mut rpcs = Vec::new();
        for (j, m) in s.method.iter().enumerate() {
            rpcs.push(self.rpc(m, &fq, index, j as i32));
        }
        let info = ServiceInfo {
            camel,
            mod_base,
            full_name,
            fq,
            fq_package,
            docs,
        };
        let mut t = TokenStream::new();
        if self.opts.build_client {
            t.extend(self.client(&info, &rpcs));
        }
        if self.opts.build_server {
            t.extend(self.server(&info, &rpcs));
        }
        t
    }

    fn rpc(&mut self, m: &MethodDescriptorProto, fq_service: &str, si: i32, mi: i32) -> Rpc {
        let name = m.name().to_string();
        let method = self.ident(&ident::snake(&name));
        let request = self.message_type(m.input_type.as_deref().unwrap_or(""), "input");
        let response = self.message_type(m.output_type.as_deref().unwrap_or(""), "output");
        let docs = self.docs(&[6, si, 2, mi], &format!("{fq_service}.{name}"));
        Rpc {
            proto_name: name,
            method,
            request,
            response,
            client_streaming: m.client_streaming.unwrap_or(false),
            server_streaming: m.server_streaming.unwrap_or(false),
            deprecated: m
                .options
                .as_ref()
                .and_then(|o| o.deprecated)
                .unwrap_or(false),
            docs,
        }
    }

    fn codec(&mut self) -> TokenStream {
        let opts = self.opts;
        if syn::parse_str::<syn::Path>(&opts.codec_path).is_err() {
            self.error(format!(
                "codec_path is not a Rust path: {}",
                opts.codec_path
            ));
            return TokenStream::new();
        }
        self.tokens(&opts.codec_path, "codec_path")
    }

    fn client(&mut self, s: &ServiceInfo, rpcs: &[Rpc]) -> TokenStream {
        let opts = self.opts;
        let client = self.ident(&format!("{}Client", s.camel));
        let module = self.ident(&format!("{}_client", s.mod_base));
        let mod_attrs = self.attrs(&opts.client_mod_attributes, &s.fq_package);
        let struct_attrs = self.attrs(&opts.client_attributes, &s.fq);
        let docs = &s.docs;
        let connect = if self.opts.build_transport {
            quote! {
                impl #client<tonic::transport::Channel> {
                    /// Attempt to create a new client by connecting to a given endpoint.
                    pub async fn connect<D>(dst: D) -> Result<Self, tonic::transport::Error>
                    where
                        D: TryInto<tonic::transport::Endpoint>,
                        D::Error: Into<StdError>,
                    {
                        let conn = tonic::transport::Endpoint::new(dst)?.connect().await?;
                        Ok(Self::new(conn))
                    }
                }
            }
        } else {
            TokenStream::new()
        };
        let mut methods = TokenStream::new();
        for r in rpcs {
            let codec = self.codec();
            let Rpc {
                method,
                request,
                response,
                docs,
                ..
            } = r;
            let service_name = &s.full_name;
            let path = format!("/{}/{}", s.full_name, r.proto_name);
            let rpc_name = &r.proto_name;
            let deprecated = if r.deprecated {
                quote!(#[deprecated])
            } else {
                TokenStream::new()
            };
            let (arg, into, result, call) = match (r.client_streaming, r.server_streaming) {
                (false, false) => (
                    quote!(impl tonic::IntoRequest<#request>),
                    quote!(into_request),
                    quote!(tonic::Response<#response>),
                    quote!(unary),
                ),
                (false, true) => (
                    quote!(impl tonic::IntoRequest<#request>),
                    quote!(into_request),
                    quote!(tonic::Response<tonic::codec::Streaming<#response>>),
                    quote!(server_streaming),
                ),
                (true, false) => (
                    quote!(impl tonic::IntoStreamingRequest<Message = #request>),
                    quote!(into_streaming_request),
                    quote!(tonic::Response<#response>),
                    quote!(client_streaming),
                ),
                (true, true) => (
                    quote!(impl tonic::IntoStreamingRequest<Message = #request>),
                    quote!(into_streaming_request),
                    quote!(tonic::Response<tonic::codec::Streaming<#response>>),
                    quote!(streaming),
                ),
            };
            methods.extend(quote! {
                #docs
                #deprecated
                pub async fn #method(
                    &mut self,
                    request: #arg,
                ) -> std::result::Result<#result, tonic::Status> {
                    self.inner.ready().await.map_err(|e| {
                        tonic::Status::unknown(format!("Service was not ready: {}", e.into()))
                    })?;
                    let codec = #codec::default();
                    let path = http::uri::PathAndQuery::from_static(#path);
                    let mut req = request.#into();
                    req.extensions_mut().insert(GrpcMethod::new(#service_name, #rpc_name));
                    self.inner.#call(req, path, codec).await
                }
            });
        }
        quote! {
            /// Generated client implementations.
            #mod_attrs
            pub mod #module {
                #![allow(
                    unused_variables,
                    dead_code,
                    missing_docs,
                    clippy::wildcard_imports,
                    clippy::let_unit_value,
                )]
                use tonic::codegen::*;
                use tonic::codegen::http::Uri;

                #docs
                #struct_attrs
                #[derive(Debug, Clone)]
                pub struct #client<T> {
                    inner: tonic::client::Grpc<T>,
                }

                #connect

                impl<T> #client<T>
                where
                    T: tonic::client::GrpcService<tonic::body::Body>,
                    T::Error: Into<StdError>,
                    T::ResponseBody: Body<Data = Bytes> + std::marker::Send + 'static,
                    <T::ResponseBody as Body>::Error: Into<StdError> + std::marker::Send,
                {
                    pub fn new(inner: T) -> Self {
                        let inner = tonic::client::Grpc::new(inner);
                        Self { inner }
                    }

                    pub fn with_origin(inner: T, origin: Uri) -> Self {
                        let inner = tonic::client::Grpc::with_origin(inner, origin);
                        Self { inner }
                    }

                    pub fn with_interceptor<F>(
                        inner: T,
                        interceptor: F,
                    ) -> #client<InterceptedService<T, F>>
                    where
                        F: tonic::service::Interceptor,
                        T::ResponseBody: Default,
                        T: tonic::codegen::Service<
                            http::Request<tonic::body::Body>,
                            Response = http::Response<
                                <T as tonic::client::GrpcService<tonic::body::Body>>::ResponseBody,
                            >,
                        >,
                        <T as tonic::codegen::Service<http::Request<tonic::body::Body>>>::Error:
                            Into<StdError> + std::marker::Send + std::marker::Sync,
                    {
                        #client::new(InterceptedService::new(inner, interceptor))
                    }

                    /// Compress requests with the given encoding.
                    ///
                    /// This requires the server to support it otherwise it might respond with an
                    /// error.
                    #[must_use]
                    pub fn send_compressed(mut self, encoding: CompressionEncoding) -> Self {
                        self.inner = self.inner.send_compressed(encoding);
                        self
                    }

                    /// Enable decompressing responses.
                    #[must_use]
                    pub fn accept_compressed(mut self, encoding: CompressionEncoding) -> Self {
                        self.inner = self.inner.accept_compressed(encoding);
                        self
                    }

                    /// Limits the maximum size of a decoded message.
                    ///
                    /// Default: `4MB`
                    #[must_use]
                    pub fn max_decoding_message_size(mut self, limit: usize) -> Self {
                        self.inner = self.inner.max_decoding_message_size(limit);
                        self
                    }

                    /// Limits the maximum size of an encoded message.
                    ///
                    /// Default: `usize::MAX`
                    #[must_use]
                    pub fn max_encoding_message_size(mut self, limit: usize) -> Self {
                        self.inner = self.inner.max_encoding_message_size(limit);
                        self
                    }

                    #methods
                }
            }
        }
    }

    fn server(&mut self, s: &ServiceInfo, rpcs: &[Rpc]) -> TokenStream {
        let opts = self.opts;
        let server = self.ident(&format!("{}Server", s.camel));
        let service_trait = self.ident(&s.camel);
        let module = self.ident(&format!("{}_server", s.mod_base));
        let mod_attrs = self.attrs(&opts.server_mod_attributes, &s.fq_package);
        let struct_attrs = self.attrs(&opts.server_attributes, &s.fq);
        let trait_attrs = self.attrs(&opts.trait_attributes, &s.fq);
        let stubs = self.opts.generate_default_stubs;
        let self_param = if self.opts.use_arc_self {
            quote!(self: std::sync::Arc<Self>)
        } else {
            quote!(&self)
        };
        let inner_arg = if self.opts.use_arc_self {
            quote!(inner)
        } else {
            quote!(&inner)
        };
        let trait_doc = format!(
            " Generated trait containing gRPC methods that should be implemented for use with {}Server.",
            s.camel
        );

        let mut trait_items = TokenStream::new();
        let mut routes = TokenStream::new();
        for r in rpcs {
            let Rpc {
                method,
                request,
                response,
                docs,
                ..
            } = r;
            let stream_name = format!("{}Stream", r.proto_name);
            let stream_ty = self.ident(&stream_name);
            let stream_doc = format!(
                " Server streaming response type for the {} method.",
                r.proto_name
            );
            // tonic-build keeps the RPC's name in `<Method>Stream`; for
            // names that are not UpperCamelCase we silence the lint it
            // would raise in the user's crate.
            let stream_allow = if r.proto_name.starts_with(|c: char| c.is_lowercase())
                || r.proto_name.contains('_')
            {
                quote!(#[allow(non_camel_case_types)])
            } else {
                TokenStream::new()
            };
            let req_in = if r.client_streaming {
                quote!(tonic::Request<tonic::Streaming<#request>>)
            } else {
                quote!(tonic::Request<#request>)
            };
            // The trait method.
            let (declared_stream, out) = match (r.server_streaming, stubs) {
                (false, _) => (TokenStream::new(), quote!(tonic::Response<#response>)),
                (true, true) => (
                    TokenStream::new(),
                    quote!(tonic::Response<BoxStream<#response>>),
                ),
                (true, false) => (
                    quote! {
                        #[doc = #stream_doc]
                        #stream_allow
                        type #stream_ty: tonic::codegen::tokio_stream::Stream<
                                Item = std::result::Result<#response, tonic::Status>,
                            > + std::marker::Send + 'static;
                    },
                    quote!(tonic::Response<Self::#stream_ty>),
                ),
            };
            let body = if stubs {
                quote! {
                    {
                        Err(tonic::Status::unimplemented("Not yet implemented"))
                    }
                }
            } else {
                quote!(;)
            };
            trait_items.extend(quote! {
                #declared_stream
                #docs
                async fn #method(#self_param, request: #req_in)
                    -> std::result::Result<#out, tonic::Status> #body
            });

            // The route.
            let svc = self.ident(&format!("{}Svc", r.proto_name));
            let codec = self.codec();
            let path = format!("/{}/{}", s.full_name, r.proto_name);
            let response_stream = if stubs {
                quote!(type ResponseStream = BoxStream<#response>;)
            } else {
                quote!(type ResponseStream = T::#stream_ty;)
            };
            let (svc_trait, svc_types, future_out, call) =
                match (r.client_streaming, r.server_streaming) {
                    (false, false) => (
                        quote!(tonic::server::UnaryService<#request>),
                        TokenStream::new(),
                        quote!(Self::Response),
                        quote!(unary),
                    ),
                    (false, true) => (
                        quote!(tonic::server::ServerStreamingService<#request>),
                        response_stream,
                        quote!(Self::ResponseStream),
                        quote!(server_streaming),
                    ),
                    (true, false) => (
                        quote!(tonic::server::ClientStreamingService<#request>),
                        TokenStream::new(),
                        quote!(Self::Response),
                        quote!(client_streaming),
                    ),
                    (true, true) => (
                        quote!(tonic::server::StreamingService<#request>),
                        response_stream,
                        quote!(Self::ResponseStream),
                        quote!(streaming),
                    ),
                };
            routes.extend(quote! {
                #path => {
                    #[allow(non_camel_case_types)]
                    struct #svc<T: #service_trait>(pub Arc<T>);
                    impl<T: #service_trait> #svc_trait for #svc<T> {
                        type Response = #response;
                        #svc_types
                        type Future = BoxFuture<tonic::Response<#future_out>, tonic::Status>;
                        fn call(&mut self, request: #req_in) -> Self::Future {
                            let inner = Arc::clone(&self.0);
                            let fut = async move {
                                <T as #service_trait>::#method(#inner_arg, request).await
                            };
                            Box::pin(fut)
                        }
                    }
                    let accept_compression_encodings = self.accept_compression_encodings;
                    let send_compression_encodings = self.send_compression_encodings;
                    let max_decoding_message_size = self.max_decoding_message_size;
                    let max_encoding_message_size = self.max_encoding_message_size;
                    let inner = self.inner.clone();
                    let fut = async move {
                        let method = #svc(inner);
                        let codec = #codec::default();
                        let mut grpc = tonic::server::Grpc::new(codec)
                            .apply_compression_config(
                                accept_compression_encodings,
                                send_compression_encodings,
                            )
                            .apply_max_message_size_config(
                                max_decoding_message_size,
                                max_encoding_message_size,
                            );
                        let res = grpc.#call(method, req).await;
                        Ok(res)
                    };
                    Box::pin(fut)
                }
            });
        }

        let docs = &s.docs;
        let service_name = &s.full_name;
        quote! {
            /// Generated server implementations.
            #mod_attrs
            pub mod #module {
                #![allow(
                    unused_variables,
                    dead_code,
                    missing_docs,
                    clippy::wildcard_imports,
                    clippy::let_unit_value,
                )]
                use tonic::codegen::*;

                #[doc = #trait_doc]
                #trait_attrs
                #[async_trait]
                pub trait #service_trait: std::marker::Send + std::marker::Sync + 'static {
                    #trait_items
                }

                #docs
                #struct_attrs
                #[derive(Debug)]
                pub struct #server<T> {
                    inner: Arc<T>,
                    accept_compression_encodings: EnabledCompressionEncodings,
                    send_compression_encodings: EnabledCompressionEncodings,
                    max_decoding_message_size: Option<usize>,
                    max_encoding_message_size: Option<usize>,
                }

                impl<T> #server<T> {
                    pub fn new(inner: T) -> Self {
                        Self::from_arc(Arc::new(inner))
                    }

                    pub fn from_arc(inner: Arc<T>) -> Self {
                        Self {
                            inner,
                            accept_compression_encodings: Default::default(),
                            send_compression_encodings: Default::default(),
                            max_decoding_message_size: None,
                            max_encoding_message_size: None,
                        }
                    }

                    pub fn with_interceptor<F>(inner: T, interceptor: F) -> InterceptedService<Self, F>
                    where
                        F: tonic::service::Interceptor,
                    {
                        InterceptedService::new(Self::new(inner), interceptor)
                    }

                    /// Enable decompressing requests with the given encoding.
                    #[must_use]
                    pub fn accept_compressed(mut self, encoding: CompressionEncoding) -> Self {
                        self.accept_compression_encodings.enable(encoding);
                        self
                    }

                    /// Compress responses with the given encoding, if the client supports it.
                    #[must_use]
                    pub fn send_compressed(mut self, encoding: CompressionEncoding) -> Self {
                        self.send_compression_encodings.enable(encoding);
                        self
                    }

                    /// Limits the maximum size of a decoded message.
                    ///
                    /// Default: `4MB`
                    #[must_use]
                    pub fn max_decoding_message_size(mut self, limit: usize) -> Self {
                        self.max_decoding_message_size = Some(limit);
                        self
                    }

                    /// Limits the maximum size of an encoded message.
                    ///
                    /// Default: `usize::MAX`
                    #[must_use]
                    pub fn max_encoding_message_size(mut self, limit: usize) -> Self {
                        self.max_encoding_message_size = Some(limit);
                        self
                    }
                }

                impl<T, B> tonic::codegen::Service<http::Request<B>> for #server<T>
                where
                    T: #service_trait,
                    B: Body + std::marker::Send + 'static,
                    B::Error: Into<StdError> + std::marker::Send + 'static,
                {
                    type Response = http::Response<tonic::body::Body>;
                    type Error = std::convert::Infallible;
                    type Future = BoxFuture<Self::Response, Self::Error>;

                    fn poll_ready(
                        &mut self,
                        _cx: &mut Context<'_>,
                    ) -> Poll<std::result::Result<(), Self::Error>> {
                        Poll::Ready(Ok(()))
                    }

                    fn call(&mut self, req: http::Request<B>) -> Self::Future {
                        match req.uri().path() {
                            #routes
                            _ => Box::pin(async move {
                                let mut response = http::Response::new(tonic::body::Body::default());
                                let headers = response.headers_mut();
                                headers.insert(
                                    tonic::Status::GRPC_STATUS,
                                    (tonic::Code::Unimplemented as i32).into(),
                                );
                                headers.insert(
                                    http::header::CONTENT_TYPE,
                                    tonic::metadata::GRPC_CONTENT_TYPE,
                                );
                                Ok(response)
                            }),
                        }
                    }
                }

                impl<T> Clone for #server<T> {
                    fn clone(&self) -> Self {
                        let inner = self.inner.clone();
                        Self {
                            inner,
                            accept_compression_encodings: self.accept_compression_encodings,
                            send_compression_encodings: self.send_compression_encodings,
                            max_decoding_message_size: self.max_decoding_message_size,
                            max_encoding_message_size: self.max_encoding_message_size,
                        }
                    }
                }

                /// Generated gRPC service name
                pub const SERVICE_NAME: &str = #service_name;

                impl<T> tonic::server::NamedService for #server<T> {
                    const NAME: &'static str = SERVICE_NAME;
                }
            }
        }
    }
}

/// Names of one service.
struct ServiceInfo {
    /// UpperCamelCase, escaped (`UserService`).
    camel: String,
    /// `user_service`, for `user_service_client` and `user_service_server`.
    mod_base: String,
    /// `package.Service`, as gRPC names it on the wire.
    full_name: String,
    /// `.package.Service`, for parameters.
    fq: String,
    /// `.package` (empty without a package), for module attributes.
    fq_package: String,
    docs: TokenStream,
}

/// Service code for `file`, or nothing when the file has no services or
/// both client and server are turned off.
pub fn file_services(ctx: &Context, file: &FileDescriptorProto) -> (TokenStream, Vec<Diagnostic>) {
    let mut g = ServiceGen::new(ctx, file);
    let t = g.file();
    (t, g.diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names() {
        for (camel, want) in [
            ("Service", "service"),
            ("UserService", "user_service"),
            ("ThatHasALongName", "that_has_a_long_name"),
            ("ABCServiceX", "a_b_c_service_x"),
            ("greeter", "greeter"),
            ("V2Api", "v2_api"),
        ] {
            assert_eq!(module_snake(camel), want, "{camel}");
        }
    }
}
