//! Rust backend parameters, named as prost-build's `Config` methods.
//!
//! Every parameter is a `key=value` pair (a bare `key` for flags). Those
//! taking a protobuf path match it the way prost-build does: a path with a
//! leading dot is a fully-qualified prefix (`.pkg`, `.pkg.Msg`,
//! `.pkg.Msg.field`), one without a leading dot a suffix (`Msg.field`,
//! `field`), and `.` matches everything.

use crate::backend::Param;

/// How map fields are represented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapKind {
    HashMap,
    BTreeMap,
}

/// How `bytes` fields are represented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BytesKind {
    Vec,
    Bytes,
}

/// Paths, each with a value, matched against protobuf element names.
#[derive(Clone, Debug, Default)]
pub struct PathMap<T> {
    entries: Vec<(String, T)>,
}

impl<T> PathMap<T> {
    pub fn push(&mut self, path: impl Into<String>, value: T) {
        self.entries.push((path.into(), value));
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every value whose path matches `fq_name` (a fully-qualified name with
    /// a leading dot), in the order they were given.
    pub fn all<'a>(&'a self, fq_name: &'a str) -> impl Iterator<Item = &'a T> + 'a {
        self.entries
            .iter()
            .filter(move |(p, _)| candidates(fq_name).any(|c| c == p))
            .map(|(_, v)| v)
    }

    /// The value of the most specific matching path: the full name, then
    /// ever shorter suffixes, then ever shorter prefixes, then `.`.
    pub fn best(&self, fq_name: &str) -> Option<&T> {
        candidates(fq_name).find_map(|c| self.entries.iter().find(|(p, _)| p == c).map(|(_, v)| v))
    }

    pub fn matches(&self, fq_name: &str) -> bool {
        self.best(fq_name).is_some()
    }
}

/// The strings a path may be written as to match `fq_name` (`.a.b.c`):
/// `.a.b.c`, `a.b.c`, `b.c`, `c`, `.a.b`, `.a`, `.`.
fn candidates(fq_name: &str) -> impl Iterator<Item = &str> {
    let suffixes = fq_name
        .char_indices()
        .filter(|&(_, c)| c == '.')
        .map(move |(i, _)| &fq_name[i + 1..])
        .filter(|s| !s.is_empty());
    let prefixes = fq_name
        .char_indices()
        .rev()
        .filter(|&(i, c)| c == '.' && i > 0)
        .map(move |(i, _)| &fq_name[..i]);
    std::iter::once(fq_name)
        .chain(suffixes)
        .chain(prefixes)
        .chain(std::iter::once("."))
}

/// Parsed Rust backend options.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub btree_map: PathMap<()>,
    pub bytes: PathMap<()>,
    pub boxed: PathMap<()>,
    /// Attributes on messages, enums and oneof enums.
    pub type_attributes: PathMap<String>,
    /// Attributes on message structs only.
    pub message_attributes: PathMap<String>,
    /// Attributes on enums and oneof enums only.
    pub enum_attributes: PathMap<String>,
    /// Attributes on fields, oneof fields, oneof variants and enum variants.
    pub field_attributes: PathMap<String>,
    /// Protobuf path (leading dot) → Rust path, in the order given.
    pub extern_paths: Vec<(String, String)>,
    pub disable_comments: PathMap<()>,
    pub skip_debug: PathMap<()>,
    /// Type URL domains for `prost::Name::type_url`.
    pub type_name_domains: PathMap<String>,
    pub retain_enum_prefix: bool,
    pub enable_type_names: bool,
    pub compile_well_known_types: bool,
    /// File name (without `.rs`) for files without a package; `_` by default.
    pub default_package_filename: String,
    /// gRPC service code (service.rs).
    pub services: ServiceOptions,
}

fn flag(p: &Param) -> Result<bool, String> {
    match p.value.as_deref() {
        None | Some("") | Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(v) => Err(format!("{}: expected true or false, got \"{v}\"", p.key)),
    }
}

fn value(p: &Param) -> Result<&str, String> {
    match p.value.as_deref() {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(format!("{} needs a value ({}=PATH)", p.key, p.key)),
    }
}

/// `PATH=TEXT`: the path ends at the first `=`.
fn path_and_text(p: &Param) -> Result<(&str, &str), String> {
    let v = value(p)?;
    match v.split_once('=') {
        Some((path, text)) if !path.is_empty() => Ok((path, text)),
        _ => Err(format!("{} takes PATH=VALUE, got \"{v}\"", p.key)),
    }
}

fn check_fq(key: &str, path: &str) -> Result<(), String> {
    if !path.starts_with('.') {
        return Err(format!(
            "{key}: protobuf paths must be fully qualified (begin with '.'): {path}"
        ));
    }
    if path != "." && path[1..].split('.').any(str::is_empty) {
        return Err(format!(
            "{key}: invalid fully-qualified protobuf path: {path}"
        ));
    }
    Ok(())
}

impl Options {
    /// Parses backend parameters; returns every problem found.
    pub fn parse(params: &[Param]) -> Result<Options, Vec<String>> {
        let mut o = Options {
            default_package_filename: "_".to_string(),
            ..Default::default()
        };
        let mut errors = Vec::new();
        for p in params {
            if let Err(e) = o.apply(p) {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(o)
        } else {
            Err(errors)
        }
    }

    fn apply(&mut self, p: &Param) -> Result<(), String> {
        match p.key.as_str() {
            "btree_map" => self.btree_map.push(value(p)?, ()),
            "bytes" => self.bytes.push(value(p)?, ()),
            "boxed" => self.boxed.push(value(p)?, ()),
            "type_attribute" => {
                let (path, a) = path_and_text(p)?;
                self.type_attributes.push(path, a.to_string());
            }
            "message_attribute" => {
                let (path, a) = path_and_text(p)?;
                self.message_attributes.push(path, a.to_string());
            }
            "enum_attribute" => {
                let (path, a) = path_and_text(p)?;
                self.enum_attributes.push(path, a.to_string());
            }
            "field_attribute" => {
                let (path, a) = path_and_text(p)?;
                self.field_attributes.push(path, a.to_string());
            }
            "extern_path" => {
                let (path, rust) = path_and_text(p)?;
                check_fq("extern_path", path)?;
                if path == "." {
                    return Err("extern_path: \".\" cannot be an extern path".to_string());
                }
                if rust.is_empty() {
                    return Err(format!("extern_path: empty Rust path for {path}"));
                }
                if self.extern_paths.iter().any(|(p, _)| p == path) {
                    return Err(format!("extern_path: duplicate protobuf path {path}"));
                }
                self.extern_paths.push((path.to_string(), rust.to_string()));
            }
            "disable_comments" => self.disable_comments.push(value(p)?, ()),
            "skip_debug" => self.skip_debug.push(value(p)?, ()),
            "type_name_domain" => {
                let (path, d) = path_and_text(p)?;
                self.type_name_domains.push(path, d.to_string());
            }
            "retain_enum_prefix" => self.retain_enum_prefix = flag(p)?,
            "enable_type_names" => self.enable_type_names = flag(p)?,
            "compile_well_known_types" => self.compile_well_known_types = flag(p)?,
            "default_package_filename" => {
                let v = value(p)?;
                if v.contains('/') || v.contains('\\') {
                    return Err(format!("default_package_filename: not a file name: {v}"));
                }
                self.default_package_filename = v.to_string();
            }
            // gRPC services (service.rs)
            key if ServiceOptions::KEYS.contains(&key) => self.services.apply(p)?,
            other => return Err(format!("unknown Rust backend option \"{other}\"")),
        }
        Ok(())
    }

    pub fn map_kind(&self, fq_field: &str) -> MapKind {
        if self.btree_map.matches(fq_field) {
            MapKind::BTreeMap
        } else {
            MapKind::HashMap
        }
    }

    pub fn bytes_kind(&self, fq_field: &str) -> BytesKind {
        if self.bytes.matches(fq_field) {
            BytesKind::Bytes
        } else {
            BytesKind::Vec
        }
    }
}

// ---- gRPC service parameters (service.rs) ----

/// Parameters of the gRPC service code, named as tonic-prost-build's
/// `Builder` methods. Attribute paths match fully-qualified names the way
/// the other path parameters do: `server_attribute`, `client_attribute`
/// and `trait_attribute` match the service (`.pkg.Service`, `Service`,
/// `.`), `server_mod_attribute` and `client_mod_attribute` its package
/// (`.pkg`, `.`).
#[derive(Clone, Debug)]
pub struct ServiceOptions {
    pub build_server: bool,
    pub build_client: bool,
    /// `Client::connect`, which needs tonic's `transport` feature.
    pub build_transport: bool,
    /// Attributes on the `<Service>Server` struct.
    pub server_attributes: PathMap<String>,
    /// Attributes on the `<snake>_server` module.
    pub server_mod_attributes: PathMap<String>,
    /// Attributes on the `<Service>` trait.
    pub trait_attributes: PathMap<String>,
    /// Attributes on the `<Service>Client` struct.
    pub client_attributes: PathMap<String>,
    /// Attributes on the `<snake>_client` module.
    pub client_mod_attributes: PathMap<String>,
    /// Trait methods answer `UNIMPLEMENTED` unless overridden (and server
    /// streams are `BoxStream`s).
    pub generate_default_stubs: bool,
    /// Trait methods take `self: Arc<Self>`.
    pub use_arc_self: bool,
    /// The codec type, `tonic_prost::ProstCodec` by default.
    pub codec_path: String,
}

impl Default for ServiceOptions {
    fn default() -> Self {
        ServiceOptions {
            build_server: true,
            build_client: true,
            build_transport: true,
            server_attributes: PathMap::default(),
            server_mod_attributes: PathMap::default(),
            trait_attributes: PathMap::default(),
            client_attributes: PathMap::default(),
            client_mod_attributes: PathMap::default(),
            generate_default_stubs: false,
            use_arc_self: false,
            codec_path: "tonic_prost::ProstCodec".to_string(),
        }
    }
}

impl ServiceOptions {
    pub const KEYS: &'static [&'static str] = &[
        "build_server",
        "build_client",
        "build_transport",
        "server_attribute",
        "server_mod_attribute",
        "trait_attribute",
        "client_attribute",
        "client_mod_attribute",
        "generate_default_stubs",
        "use_arc_self",
        "codec_path",
    ];

    fn apply(&mut self, p: &Param) -> Result<(), String> {
        match p.key.as_str() {
            "build_server" => self.build_server = flag(p)?,
            "build_client" => self.build_client = flag(p)?,
            "build_transport" => self.build_transport = flag(p)?,
            "generate_default_stubs" => self.generate_default_stubs = flag(p)?,
            "use_arc_self" => self.use_arc_self = flag(p)?,
            "codec_path" => self.codec_path = value(p)?.to_string(),
            key => {
                let (path, a) = path_and_text(p)?;
                let map = match key {
                    "server_attribute" => &mut self.server_attributes,
                    "server_mod_attribute" => &mut self.server_mod_attributes,
                    "trait_attribute" => &mut self.trait_attributes,
                    "client_attribute" => &mut self.client_attributes,
                    _ => &mut self.client_mod_attributes,
                };
                map.push(path, a.to_string());
            }
        }
        Ok(())
    }
}

// ---- end of gRPC service parameters ----

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Param {
        Param::parse(s)
    }

    #[test]
    fn path_matching() {
        let mut m = PathMap::default();
        m.push(".a.b", 1);
        m.push("C.d", 2);
        m.push(".", 3);
        assert_eq!(m.best(".a.b.C.d"), Some(&2)); // suffix beats prefix
        assert_eq!(m.best(".a.b.C.e"), Some(&1));
        assert_eq!(m.best(".x"), Some(&3));
        assert_eq!(m.all(".a.b.C.d").copied().collect::<Vec<_>>(), [1, 2, 3]);
        let mut n: PathMap<()> = PathMap::default();
        n.push(".a.b", ());
        assert!(!n.matches(".a.bc"));
        assert!(!n.matches(".a"));
        assert!(n.matches(".a.b.c"));
    }

    #[test]
    fn parse_all_options() {
        let o = Options::parse(&[
            p("btree_map=."),
            p("bytes=.pkg.M.data"),
            p("boxed=.pkg.M.child"),
            p("type_attribute=.pkg=#[derive(Eq)]"),
            p("field_attribute=M.x=#[serde(rename = \"y\")]"),
            p("extern_path=.other=::other_crate"),
            p("retain_enum_prefix"),
            p("enable_type_names=true"),
            p("default_package_filename=root"),
        ])
        .unwrap();
        assert_eq!(o.map_kind(".pkg.M.m"), MapKind::BTreeMap);
        assert_eq!(o.bytes_kind(".pkg.M.data"), BytesKind::Bytes);
        assert_eq!(o.bytes_kind(".pkg.M.other"), BytesKind::Vec);
        assert_eq!(
            o.field_attributes.all(".pkg.M.x").collect::<Vec<_>>(),
            ["#[serde(rename = \"y\")]"]
        );
        assert_eq!(o.extern_paths, [(".other".into(), "::other_crate".into())]);
        assert!(o.retain_enum_prefix && o.enable_type_names);
        assert_eq!(o.default_package_filename, "root");
    }

    #[test]
    fn parse_errors() {
        let e = Options::parse(&[
            p("nope=1"),
            p("extern_path=other=::x"),
            p("type_attribute=.x"),
            p("btree_map"),
            p("retain_enum_prefix=maybe"),
        ])
        .unwrap_err();
        assert_eq!(e.len(), 5, "{e:?}");
    }
}
