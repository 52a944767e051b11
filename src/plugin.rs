//! protoc's plugin protocol, in both directions.
//!
//! * Driving plugins from `protoforge compile`: [`take_output_args`] pulls
//!   protoc's dynamic flags (`--NAME_out=[PARAMS:]DIR`, `--NAME_opt=VALUE`,
//!   `--plugin=[protoc-gen-NAME=]PATH`) out of the command line before clap
//!   sees it; [`Outputs::run`] then runs every output directive over one
//!   compilation and writes the results. Requests are built as protoc 35.1
//!   builds them ([`Requests`]); responses are applied as protoc applies
//!   them (insertion points, file-name checks, feature checks, error
//!   wording), except that nothing is written until every directive has
//!   succeeded and every name has been checked, and files are replaced
//!   atomically.
//! * Serving as a plugin: [`serve`] answers a `CodeGeneratorRequest` with
//!   protoforge's Rust backend (the `protoc-gen-forge` binary).
//!
//! In-process backends (`--rust_out`) take the same path as plugins: they
//! see the files of the request (`proto_file`), so `protoc --forge_out` and
//! `protoforge compile --rust_out` generate from identical descriptors.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::backend::{Backend, Generated, GeneratedFile, Param};
use crate::compile::Compilation;
use crate::descriptor::compiler::CodeGeneratorResponse;
use crate::descriptor::compiler::{code_generator_response, CodeGeneratorRequest, Version};
use crate::descriptor::pool::Pool;
use crate::descriptor::wire::{Reader, WireType};
use crate::descriptor::{encode_to_vec, DecodeError, FileDescriptorProto};
use crate::diagnostics::Diagnostic;
use crate::link::finish::strip_for_output;
use crate::link::Linked;

/// The protobuf library version protoc 35.1 reports to plugins.
pub const COMPILER_VERSION: (i32, i32, i32) = (7, 35, 1);

/// Editions as numbered in `google.protobuf.Edition`.
pub const EDITION_PROTO2: i32 = 998;
pub const EDITION_2023: i32 = 1000;
pub const EDITION_2024: i32 = 1001;

const FEATURE_PROTO3_OPTIONAL: u64 = 1;
const FEATURE_SUPPORTS_EDITIONS: u64 = 2;

/// Flags that look like protoc's dynamic `--NAME_out` / `--NAME_opt` but
/// belong to the static command line.
const RESERVED: &[&str] = &["descriptor_set", "dependency", "rust"];

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

/// One `--NAME_out` (a plugin) or a built-in backend's output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The flag as protoc names it in messages: `--NAME_out`.
    pub flag: String,
    /// `NAME`.
    pub name: String,
    /// The output directory (or `.zip` / `.jar` archive).
    pub location: String,
    /// Parameters given before the location (`PARAMS:DIR`).
    pub parameter: String,
    /// Extra parameters (`--NAME_opt`), already joined.
    pub options: Vec<String>,
    /// A backend of protoforge itself rather than an external plugin.
    pub builtin: bool,
}

impl Directive {
    /// The program protoc would run: `protoc-gen-NAME`.
    pub fn plugin_name(&self) -> String {
        format!("protoc-gen-{}", self.name)
    }
}

/// Every output requested on a command line.
#[derive(Clone, Debug, Default)]
pub struct Outputs {
    /// In command-line order (built-in backends first).
    pub directives: Vec<Directive>,
    /// `--plugin`: plugin name → executable, last one wins.
    pub plugins: Vec<(String, String)>,
    /// `--NAME_opt` values by plugin name, in order.
    options: Vec<(String, String)>,
}

impl Outputs {
    pub fn is_empty(&self) -> bool {
        self.directives.is_empty()
    }

    /// Adds a built-in backend's `--NAME_out` / `--NAME_opt` (given to
    /// clap); it runs before the plugins.
    pub fn push_builtin(&mut self, name: &str, out: &str, opts: &[String]) {
        let (parameter, location) = split_out_value(out);
        let pos = self.directives.iter().take_while(|d| d.builtin).count();
        self.directives.insert(
            pos,
            Directive {
                flag: format!("--{name}_out"),
                name: name.to_string(),
                location,
                parameter,
                options: opts.to_vec(),
                builtin: true,
            },
        );
    }

    fn plugin_path(&self, plugin_name: &str) -> Option<&str> {
        self.plugins
            .iter()
            .rev()
            .find(|(n, _)| n == plugin_name)
            .map(|(_, p)| p.as_str())
    }

    /// The parameter string a directive's generator receives: the
    /// `PARAMS:` part, then every `--NAME_opt`, joined by commas as protoc
    /// joins them.
    pub fn parameter(&self, d: &Directive) -> String {
        let mut opts = String::new();
        let plugin = d.plugin_name();
        let mut first = true;
        let extra = d.options.iter().map(String::as_str).chain(
            self.options
                .iter()
                .filter(|(n, _)| *n == plugin)
                .map(|(_, v)| v.as_str()),
        );
        for v in extra {
            if !first {
                opts.push(',');
            }
            first = false;
            opts.push_str(v);
        }
        let mut p = d.parameter.clone();
        if !opts.is_empty() {
            if !p.is_empty() {
                p.push(',');
            }
            p.push_str(&opts);
        }
        p
    }
}

/// Splits a `--NAME_out` value at its first `:` into parameters and
/// location, as protoc does (on Windows a drive letter is not a separator).
pub fn split_out_value(value: &str) -> (String, String) {
    let drive = cfg!(windows)
        && value.len() >= 3
        && value.as_bytes()[1] == b':'
        && value.as_bytes()[0].is_ascii_alphabetic()
        && matches!(value.as_bytes()[2], b'/' | b'\\')
        && value.rfind(':') == Some(1);
    match value.split_once(':') {
        Some((params, location)) if !drive => (params.to_string(), location.to_string()),
        _ => (String::new(), value.to_string()),
    }
}

/// A flag's stem when it is one of protoc's dynamic flags with `suffix`
/// (`--NAME_out`, `--NAME_opt`).
fn dynamic_stem<'a>(flag: &'a str, suffix: &str) -> Option<&'a str> {
    let stem = flag.strip_prefix("--")?.strip_suffix(suffix)?;
    (!RESERVED.contains(&stem)).then_some(stem)
}

/// Removes protoc's dynamic output flags from the arguments of
/// `protoforge compile` (`args[0]` is the program, `args[1]` the
/// subcommand); other subcommands pass through untouched. Values come after
/// `=` or as the next argument, as protoc reads them.
pub fn take_output_args(args: Vec<String>) -> Result<(Vec<String>, Outputs), String> {
    let mut outputs = Outputs::default();
    if args.get(1).map(String::as_str) != Some("compile") {
        return Ok((args, outputs));
    }
    let mut rest = Vec::with_capacity(args.len());
    let mut it = args.into_iter();
    rest.extend(it.by_ref().take(2));
    while let Some(arg) = it.next() {
        if arg == "--" {
            rest.push(arg);
            rest.extend(it.by_ref());
            break;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        let is_plugin = flag == "--plugin";
        let out_stem = dynamic_stem(&flag, "_out").map(str::to_string);
        let opt_stem = dynamic_stem(&flag, "_opt").map(str::to_string);
        if !is_plugin && out_stem.is_none() && opt_stem.is_none() {
            rest.push(arg);
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => match it.next() {
                Some(v) => v,
                None => return Err(format!("Missing value for flag: {flag}")),
            },
        };
        if is_plugin {
            let (name, path) = match value.split_once('=') {
                Some((n, p)) => (n.to_string(), p.to_string()),
                None => {
                    let base = value.rsplit(['/', '\\']).next().unwrap_or(&value);
                    let base = if cfg!(windows) {
                        base.strip_suffix(".exe").unwrap_or(base)
                    } else {
                        base
                    };
                    (base.to_string(), value.clone())
                }
            };
            outputs.plugins.push((name, path));
        } else if let Some(stem) = out_stem {
            let (parameter, location) = split_out_value(&value);
            outputs.directives.push(Directive {
                flag,
                name: stem,
                location,
                parameter,
                options: Vec::new(),
                builtin: false,
            });
        } else if let Some(stem) = opt_stem {
            outputs.options.push((format!("protoc-gen-{stem}"), value));
        }
    }
    // protoc: an option needs its plugin named by --plugin or by an --X_out.
    for (plugin, _) in &outputs.options {
        let known = outputs.plugins.iter().any(|(n, _)| n == plugin)
            || outputs
                .directives
                .iter()
                .any(|d| !d.builtin && d.plugin_name() == *plugin);
        if !known {
            let stem = plugin.strip_prefix("protoc-gen-").unwrap_or(plugin);
            return Err(format!("Unknown flag: --{stem}_opt"));
        }
    }
    Ok((rest, outputs))
}

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

/// The descriptors protoc puts in a `CodeGeneratorRequest`, made once per
/// compilation and shared by every directive.
pub struct Requests {
    /// `file_to_generate`: the inputs, in command-line order.
    pub file_to_generate: Vec<String>,
    /// `proto_file`: every file, dependencies first; files to generate
    /// with source-retention options stripped, the others as written.
    pub proto_file: Vec<FileDescriptorProto>,
    /// `source_file_descriptors`: the files to generate with every option,
    /// in `proto_file` order.
    pub source_file_descriptors: Vec<FileDescriptorProto>,
}

/// The names of the files to generate, in command-line order, and for
/// each loaded file whether it is one of them.
fn inputs_of(loaded: &crate::load::Loaded) -> (Vec<String>, Vec<bool>) {
    let names = loaded
        .inputs
        .iter()
        .filter_map(|&i| loaded.files.get(i).map(|f| f.name.clone()))
        .collect();
    let mut is_input = vec![false; loaded.files.len()];
    for &i in &loaded.inputs {
        is_input[i] = true;
    }
    (names, is_input)
}

impl Requests {
    /// Builds the request files from a compilation and its linked files
    /// (see [`crate::compile::compile_linked`]).
    pub fn new(comp: &Compilation, linked: &Linked) -> Requests {
        Self::build(comp, linked)
    }

    /// As [`Requests::new`], with the files copied on the thread pool.
    fn build(comp: &Compilation, linked: &Linked) -> Requests {
        use rayon::prelude::*;
        let loaded = &comp.loaded;
        let (file_to_generate, is_input) = inputs_of(loaded);
        let made: Vec<(FileDescriptorProto, Option<FileDescriptorProto>)> = loaded
            .order
            .par_iter()
            .filter_map(|&i| {
                let fd = linked.files().get(i)?;
                Some(if is_input[i] {
                    (strip_for_output(fd, &linked.combined()), Some(fd.clone()))
                } else {
                    (fd.clone(), None)
                })
            })
            .collect();
        let mut proto_file = Vec::with_capacity(made.len());
        let mut source_file_descriptors = Vec::new();
        for (fd, source) in made {
            proto_file.push(fd);
            source_file_descriptors.extend(source);
        }
        Requests {
            file_to_generate,
            proto_file,
            source_file_descriptors,
        }
    }

    /// The request protoc 35.1 sends with `parameter` (absent when empty).
    pub fn request(&self, parameter: &str) -> CodeGeneratorRequest {
        let (major, minor, patch) = COMPILER_VERSION;
        CodeGeneratorRequest {
            file_to_generate: self.file_to_generate.clone(),
            parameter: (!parameter.is_empty()).then(|| parameter.to_string()),
            compiler_version: Some(Version {
                major: Some(major),
                minor: Some(minor),
                patch: Some(patch),
                suffix: Some(String::new()),
                ..Default::default()
            }),
            proto_file: self.proto_file.clone(),
            source_file_descriptors: self.source_file_descriptors.clone(),
            ..Default::default()
        }
    }

    /// The request files for built-in backends only, taken out of
    /// `linked` instead of copied: the files to generate are stripped in
    /// place (worked out first, while the schema can still be read), the
    /// others moved as they are; `source_file_descriptors` stays empty.
    /// `linked` is left without its files.
    fn take(comp: &Compilation, linked: &mut Linked) -> Requests {
        use crate::link::finish::{apply_strip, drop_locations, plan_strip, StripPlan};
        use rayon::prelude::*;
        let loaded = &comp.loaded;
        let (file_to_generate, is_input) = inputs_of(loaded);
        let count = linked.files().len();
        let order: Vec<usize> = loaded
            .order
            .iter()
            .copied()
            .filter(|&i| i < count)
            .collect();
        let plans: Vec<Option<StripPlan>> = order
            .par_iter()
            .map(|&i| is_input[i].then(|| plan_strip(&linked.files()[i], &linked.combined())))
            .collect();
        let all = &mut linked.schema.files;
        let taken: Vec<FileDescriptorProto> =
            order.iter().map(|&i| std::mem::take(&mut all[i])).collect();
        let proto_file = taken
            .into_par_iter()
            .zip(plans)
            .map(|(mut fd, plan)| {
                if let Some(plan) = plan {
                    let removed = apply_strip(&mut fd, plan);
                    drop_locations(fd.source_code_info.as_mut(), &removed);
                }
                fd
            })
            .collect();
        Requests {
            file_to_generate,
            proto_file,
            source_file_descriptors: Vec::new(),
        }
    }

    /// The encoded request.
    pub fn encode(&self, parameter: &str) -> Vec<u8> {
        encode_to_vec(&self.request(parameter))
    }
}

// ---------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------

/// One `CodeGeneratorResponse.File`, with content kept as bytes (protoc
/// accepts any bytes there).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseFile {
    pub name: String,
    pub insertion_point: String,
    pub content: Vec<u8>,
}

/// A decoded `CodeGeneratorResponse`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Response {
    pub error: String,
    pub supported_features: u64,
    pub minimum_edition: i32,
    pub maximum_edition: i32,
    pub file: Vec<ResponseFile>,
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn decode_response_file(bytes: &[u8]) -> Result<ResponseFile, DecodeError> {
    let mut r = Reader::new(bytes);
    let mut f = ResponseFile::default();
    while !r.is_empty() {
        let (number, wt) = r.read_tag()?;
        match (number, wt) {
            (1, WireType::LengthDelimited) => f.name = lossy(r.read_len_delimited()?),
            (2, WireType::LengthDelimited) => f.insertion_point = lossy(r.read_len_delimited()?),
            (15, WireType::LengthDelimited) => f.content = r.read_len_delimited()?.to_vec(),
            (_, WireType::EndGroup) => return Err(DecodeError::GroupMismatch),
            _ => r.skip_field(number, wt, 100)?,
        }
    }
    Ok(f)
}

/// Decodes a response as protobuf would: unknown fields skipped, the last
/// value of a singular field kept. `generated_code_info` is not used.
pub fn decode_response(bytes: &[u8]) -> Result<Response, DecodeError> {
    let mut r = Reader::new(bytes);
    let mut out = Response::default();
    while !r.is_empty() {
        let (number, wt) = r.read_tag()?;
        match (number, wt) {
            (1, WireType::LengthDelimited) => out.error = lossy(r.read_len_delimited()?),
            (2, WireType::Varint) => out.supported_features = r.read_varint()?,
            (3, WireType::Varint) => out.minimum_edition = r.read_varint()? as i32,
            (4, WireType::Varint) => out.maximum_edition = r.read_varint()? as i32,
            (15, WireType::LengthDelimited) => {
                let body = r.read_len_delimited()?;
                out.file.push(decode_response_file(body)?);
            }
            (_, WireType::EndGroup) => return Err(DecodeError::GroupMismatch),
            _ => r.skip_field(number, wt, 100)?,
        }
    }
    Ok(out)
}

/// protobuf's `CEscape`: C escapes for quotes, backslash and `\n\r\t`,
/// three-digit octal for other bytes outside printable ASCII.
pub fn c_escape(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            b'"' => s.push_str("\\\""),
            b'\'' => s.push_str("\\'"),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\{b:03o}")),
        }
    }
    s
}

// ---------------------------------------------------------------------------
// Running a plugin
// ---------------------------------------------------------------------------

/// Runs `program` with `request` on its standard input and returns its
/// standard output. Errors are worded as protoc words them (without the
/// `--NAME_out: ` prefix); a program that cannot be started is reported on
/// stderr first, as protoc's child process reports it.
pub fn run_plugin(
    program: &str,
    search_path: bool,
    plugin_name: &str,
    request: &[u8],
) -> Result<Vec<u8>, String> {
    // An exact name is run as given, never looked up on PATH.
    let exe: PathBuf = if !search_path && !program.contains('/') {
        Path::new(".").join(program)
    } else {
        PathBuf::from(program)
    };
    let spawned = Command::new(&exe)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(_) => {
            eprintln!(
                "{program}: program not found or is not executable\n\
                 Please specify a program using absolute path or make sure \
                 the program is available in your PATH system variable"
            );
            return Err(format!("{plugin_name}: Plugin failed with status code 1."));
        }
    };
    let mut stdin = child.stdin.take();
    let request = request.to_vec();
    // Feed the request while reading the answer, so that neither side
    // blocks on a full pipe; a plugin that stops reading early is its own
    // business (protoc ignores that too).
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(&request);
        }
        drop(stdin);
    });
    let mut output = Vec::new();
    let read = child.stdout.take().map(|mut s| s.read_to_end(&mut output));
    let _ = writer.join();
    let status = child.wait().map_err(|e| format!("{plugin_name}: {e}"))?;
    if let Some(Err(e)) = read {
        return Err(format!("{plugin_name}: Read pipe failed: {e}"));
    }
    if !status.success() {
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            if let Some(sig) = status.signal() {
                return Err(format!("{plugin_name}: Plugin killed by signal {sig}."));
            }
        }
        let code = status.code().unwrap_or(1);
        return Err(format!(
            "{plugin_name}: Plugin failed with status code {code}."
        ));
    }
    Ok(output)
}

// ---------------------------------------------------------------------------
// Output directories
// ---------------------------------------------------------------------------

/// Files destined for one output location, kept in memory until every
/// directive has run (protoc's generator context).
#[derive(Debug, Default)]
pub struct OutputDir {
    pub files: BTreeMap<String, Vec<u8>>,
    /// A problem was reported; nothing of this location gets written.
    pub had_error: bool,
}

impl OutputDir {
    /// Adds a whole file; a second file of the same name is an error.
    pub fn add(&mut self, name: &str, content: Vec<u8>, errors: &mut dyn Write) {
        if self.files.contains_key(name) {
            let _ = writeln!(errors, "{name}: Tried to write the same file twice.");
            self.had_error = true;
        } else {
            self.files.insert(name.to_string(), content);
        }
    }

    /// Inserts `content` at `@@protoc_insertion_point(POINT)` in `name`:
    /// above the line holding it, with that line's indentation, or right
    /// before an inline `/* @@protoc_insertion_point(POINT) */`.
    pub fn insert(&mut self, name: &str, point: &str, content: &[u8], errors: &mut dyn Write) {
        let Some(target) = self.files.get_mut(name) else {
            let _ = writeln!(
                errors,
                "{name}: Tried to insert into file that doesn't exist."
            );
            self.had_error = true;
            return;
        };
        let magic = format!("@@protoc_insertion_point({point})");
        let Some(found) = find(target, magic.as_bytes()) else {
            let _ = writeln!(errors, "{name}: insertion point \"{point}\" not found.");
            self.had_error = true;
            return;
        };
        if content.is_empty() {
            return;
        }
        let mut data = content.to_vec();
        if data.last() != Some(&b'\n') {
            data.push(b'\n');
        }
        let (at, indent): (usize, Vec<u8>) = if found > 3 && &target[found - 3..found - 1] == b"/*"
        {
            (found - 3, Vec::new())
        } else {
            let start = target[..found]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let end = target[start..]
                .iter()
                .position(|&b| b != b' ' && b != b'\t')
                .map_or(target.len(), |p| start + p);
            (start, target[start..end].to_vec())
        };
        let mut block = Vec::with_capacity(data.len() + indent.len() * 8);
        for line in data.split_inclusive(|&b| b == b'\n') {
            block.extend_from_slice(&indent);
            block.extend_from_slice(line);
        }
        target.splice(at..at, block);
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Applies a plugin's files to `dir` chunk by chunk, as protoc does: a
/// file without a name continues the previous one. Errors that stop the
/// directive are returned; problems with single files are written to
/// `errors` and mark `dir`.
pub fn apply_files(
    dir: &mut OutputDir,
    plugin_name: &str,
    files: &[ResponseFile],
    errors: &mut dyn Write,
) -> Result<(), String> {
    // (name, insertion point, content) of the file being written.
    let mut current: Option<(String, String, Vec<u8>)> = None;
    let close = |dir: &mut OutputDir, c: (String, String, Vec<u8>), errors: &mut dyn Write| {
        let (name, point, content) = c;
        if point.is_empty() {
            dir.add(&name, content, errors);
        } else {
            dir.insert(&name, &point, &content, errors);
        }
    };
    for f in files {
        if !f.insertion_point.is_empty() || !f.name.is_empty() {
            if let Some(c) = current.take() {
                close(dir, c, errors);
            }
            current = Some((f.name.clone(), f.insertion_point.clone(), f.content.clone()));
        } else if let Some(c) = current.as_mut() {
            c.2.extend_from_slice(&f.content);
        } else {
            return Err(format!(
                "{plugin_name}: First file chunk returned by plugin did not specify a file name."
            ));
        }
    }
    if let Some(c) = current.take() {
        close(dir, c, errors);
    }
    Ok(())
}

/// protoc's name for an edition in messages (`2023`, `PROTO2`, …).
pub fn edition_name(edition: i32) -> &'static str {
    match edition {
        0 => "UNKNOWN",
        900 => "LEGACY",
        998 => "PROTO2",
        999 => "PROTO3",
        1000 => "2023",
        1001 => "2024",
        1002 => "2026",
        9999 => "UNSTABLE",
        1 => "1_TEST_ONLY",
        2 => "2_TEST_ONLY",
        99997 => "99997_TEST_ONLY",
        99998 => "99998_TEST_ONLY",
        99999 => "99999_TEST_ONLY",
        0x7FFF_FFFF => "MAX",
        _ => "",
    }
}

fn has_proto3_optional(fd: &FileDescriptorProto) -> bool {
    fn msg(m: &crate::descriptor::DescriptorProto) -> bool {
        m.field
            .iter()
            .chain(&m.extension)
            .any(|f| f.proto3_optional == Some(true))
            || m.nested_type.iter().any(msg)
    }
    fd.message_type.iter().any(msg) || fd.extension.iter().any(|f| f.proto3_optional == Some(true))
}

/// protoc's checks that a plugin declared the features the files to
/// generate need; messages go to `errors`. Returns whether all passed.
pub fn check_features(
    plugin_name: &str,
    response: &Response,
    files: &[&FileDescriptorProto],
    errors: &mut dyn Write,
) -> bool {
    let mut ok = true;
    if response.supported_features & FEATURE_PROTO3_OPTIONAL == 0 {
        if let Some(fd) = files
            .iter()
            .find(|f| f.syntax.as_deref() == Some("proto3") && has_proto3_optional(f))
        {
            let _ = writeln!(
                errors,
                "{}: is a proto3 file that contains optional fields, but code generator \
                 {plugin_name} hasn't been updated to support optional fields in proto3. \
                 Please ask the owner of this code generator to support proto3 optional.",
                fd.name()
            );
            ok = false;
        }
    }
    let editions: Vec<&&FileDescriptorProto> = files
        .iter()
        .filter(|f| f.syntax.as_deref() == Some("editions"))
        .collect();
    if let Some(first) = editions.first() {
        if response.supported_features & FEATURE_SUPPORTS_EDITIONS == 0 {
            let _ = write!(
                errors,
                "{}: is an editions file, but code generator {plugin_name} hasn't been \
                 updated to support editions yet.  Please ask the owner of this code \
                 generator to add support or switch back to proto2/proto3.\n\nSee \
                 https://protobuf.dev/editions/overview/ for more information.",
                first.name()
            );
            return false;
        }
        for fd in editions {
            let edition = fd.edition.map_or(0, |e| e.0);
            let advice = if edition < response.minimum_edition {
                format!(
                    "Please upgrade your file to at least edition {}.",
                    edition_name(response.minimum_edition)
                )
            } else if edition > response.maximum_edition {
                format!(
                    "Please ask the owner of this code generator to add support or switch \
                     back to a maximum of edition {}.",
                    edition_name(response.maximum_edition)
                )
            } else {
                continue;
            };
            let _ = write!(
                errors,
                "{}: is a file using edition {}, which isn't supported by code generator \
                 {plugin_name}.  {advice}",
                fd.name(),
                edition_name(edition)
            );
            return false;
        }
    }
    ok
}

/// Strips the ` (os error N)` Rust adds, leaving the C library's text.
fn strerror(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// A file about to be written.
struct Planned<'a> {
    path: PathBuf,
    content: &'a [u8],
}

/// Checks every location and file name, then writes everything: nothing
/// is written unless all of it can be. Messages are protoc's.
pub fn write_all(dirs: &BTreeMap<String, OutputDir>, errors: &mut dyn Write) -> bool {
    let mut planned = Vec::new();
    for (location, dir) in dirs {
        if dir.had_error {
            return false;
        }
        let lower = location.to_ascii_lowercase();
        if lower.ends_with(".zip") || lower.ends_with(".jar") {
            let _ = writeln!(
                errors,
                "{location}: writing .zip and .jar archives is not supported"
            );
            return false;
        }
        let prefix = if location.is_empty() || location.ends_with('/') {
            location.clone()
        } else {
            format!("{location}/")
        };
        if !prefix.is_empty() {
            if let Err(e) = std::fs::metadata(&prefix) {
                let _ = writeln!(errors, "{prefix}: {}", strerror(&e));
                return false;
            }
        }
        let base = if prefix.is_empty() {
            PathBuf::from(".")
        } else {
            PathBuf::from(&prefix)
        };
        for (name, content) in &dir.files {
            if name.contains("..") {
                let _ = writeln!(
                    errors,
                    "Output file names must never have a relative path. ({name}). Use \
                     --unsafe_allow_out_dir_escape to disable this error if intentional."
                );
                return false;
            }
            let parts: Vec<&str> = name
                .split('/')
                .filter(|p| !p.is_empty() && *p != ".")
                .collect();
            let names_dir =
                parts.is_empty() || name.ends_with('/') || name.rsplit('/').next() == Some(".");
            if names_dir {
                let _ = writeln!(errors, "{prefix}{name}: Is a directory");
                return false;
            }
            let mut path = base.clone();
            path.extend(&parts);
            planned.push(Planned { path, content });
        }
    }
    for p in planned {
        if let Some(parent) = p.path.parent() {
            if let Err(e) = std::fs::create_dir_all(parent) {
                let _ = writeln!(
                    errors,
                    "{}: while trying to create directory {}: {}",
                    p.path.display(),
                    parent.display(),
                    strerror(&e)
                );
                return false;
            }
        }
        if let Err(e) = crate::output::write_atomic(&p.path, p.content) {
            let _ = writeln!(errors, "{}: {}", p.path.display(), strerror(&e));
            return false;
        }
    }
    true
}

/// What [`Outputs::run`] reports back to the command line.
pub struct RunReport {
    /// Diagnostics of built-in backends, to be rendered like compile
    /// diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    pub success: bool,
}

impl Outputs {
    /// Runs every directive over one compilation, then writes all files.
    /// Messages (protoc's wording) go to `errors`; built-in backends'
    /// diagnostics are handed to `report` as they arrive. When every
    /// directive is a built-in backend, the files are taken out of
    /// `linked` rather than copied.
    pub fn run(
        &self,
        comp: &Compilation,
        linked: &mut Linked,
        report: &mut dyn FnMut(&[Diagnostic]),
        errors: &mut dyn Write,
    ) -> bool {
        let builtin_only = self.directives.iter().all(|d| d.builtin);
        let mut requests = if builtin_only {
            Requests::take(comp, linked)
        } else {
            Requests::build(comp, linked)
        };
        crate::trace::phase("plugin requests");
        // Built-in backends only: the pool takes the request's files
        // instead of a copy.
        let mut pool: Option<Pool> = if builtin_only {
            Some(Pool::new(std::mem::take(&mut requests.proto_file)))
        } else {
            None
        };
        let mut dirs: BTreeMap<String, OutputDir> = BTreeMap::new();
        // The files to generate in command-line order, for protoc's
        // feature checks of plugins.
        let by_name: std::collections::HashMap<&str, &FileDescriptorProto> = requests
            .proto_file
            .iter()
            .filter_map(|f| Some((f.name.as_deref()?, f)))
            .collect();
        let inputs: Vec<&FileDescriptorProto> = requests
            .file_to_generate
            .iter()
            .filter_map(|n| by_name.get(n.as_str()).copied())
            .collect();
        for d in &self.directives {
            let parameter = self.parameter(d);
            let key = if d.location.is_empty() || d.location.ends_with('/') {
                d.location.clone()
            } else {
                format!("{}/", d.location)
            };
            let dir = dirs.entry(key).or_default();
            if d.builtin {
                let Some(backend) = crate::backend::by_name(&d.name) else {
                    let _ = writeln!(errors, "{}: no such backend", d.flag);
                    return false;
                };
                let pool = pool.get_or_insert_with(|| Pool::new(requests.proto_file.clone()));
                let out = generate_catching(
                    backend.as_ref(),
                    pool,
                    &requests.file_to_generate,
                    &parameter,
                );
                report(&out.diagnostics);
                if out.has_errors() {
                    let _ = writeln!(errors, "{}: code generation failed", d.flag);
                    return false;
                }
                for f in out.files {
                    dir.add(&f.name, f.content, errors);
                }
                continue;
            }
            let plugin_name = d.plugin_name();
            let (program, search) = match self.plugin_path(&plugin_name) {
                Some(p) => (p.to_string(), false),
                None => (plugin_name.clone(), true),
            };
            let request = requests.encode(&parameter);
            let output = match run_plugin(&program, search, &plugin_name, &request) {
                Ok(o) => o,
                Err(e) => {
                    let _ = writeln!(errors, "{}: {e}", d.flag);
                    return false;
                }
            };
            let Ok(response) = decode_response(&output) else {
                let _ = writeln!(
                    errors,
                    "{}: {plugin_name}: Plugin output is unparseable: {}",
                    d.flag,
                    c_escape(&output)
                );
                return false;
            };
            if let Err(e) = apply_files(dir, &plugin_name, &response.file, errors) {
                let _ = writeln!(errors, "{}: {e}", d.flag);
                return false;
            }
            let features_ok = check_features(&plugin_name, &response, &inputs, errors);
            if !features_ok || !response.error.is_empty() {
                let _ = writeln!(errors, "{}: {}", d.flag, response.error);
                return false;
            }
        }
        write_all(&dirs, errors)
    }
}

/// Runs a backend, turning a panic into an error diagnostic.
fn generate_catching(
    backend: &dyn Backend,
    pool: &Pool,
    files: &[String],
    parameter: &str,
) -> Generated {
    let params = Param::parse_list(parameter);
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        backend.generate(pool, files, &params)
    }));
    match run {
        Ok(g) => g,
        Err(p) => {
            let what = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_string());
            Generated {
                files: Vec::new(),
                diagnostics: vec![Diagnostic::error(
                    "internal",
                    format!("internal error in the {} backend: {what}", backend.name()),
                )],
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Serving as a plugin
// ---------------------------------------------------------------------------

/// Answers a `CodeGeneratorRequest` with `backend`: the request's files
/// form the pool, its parameter the backend parameters. Problems go in the
/// response's `error` (rendered as plain `file:line:col: message` lines);
/// warnings are returned for the caller to print on stderr.
pub fn serve(
    backend: &dyn Backend,
    request: CodeGeneratorRequest,
) -> (CodeGeneratorResponse, Vec<Diagnostic>) {
    let mut response = CodeGeneratorResponse {
        supported_features: Some(FEATURE_PROTO3_OPTIONAL | FEATURE_SUPPORTS_EDITIONS),
        minimum_edition: Some(EDITION_PROTO2),
        maximum_edition: Some(EDITION_2024),
        ..Default::default()
    };
    let pool = Pool::new(request.proto_file);
    let out = generate_catching(
        backend,
        &pool,
        &request.file_to_generate,
        request.parameter.as_deref().unwrap_or(""),
    );
    let (errs, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
        out.diagnostics.into_iter().partition(Diagnostic::is_error);
    if !errs.is_empty() {
        let mut buf = Vec::new();
        let _ = crate::diagnostics::render(
            &errs,
            &crate::diagnostics::Sources::new(),
            crate::diagnostics::ErrorFormat::Gcc,
            false,
            &mut buf,
        );
        response.error = Some(lossy(&buf).trim_end().to_string());
        return (response, warnings);
    }
    for f in out.files {
        let GeneratedFile { name, content } = f;
        response.file.push(code_generator_response::File {
            name: Some(name),
            content: Some(lossy(&content)),
            ..Default::default()
        });
    }
    (response, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn dynamic_flags_are_taken_out() {
        let (rest, o) = take_output_args(args(&[
            "protoforge",
            "compile",
            "-I",
            "x",
            "--es_out=target=ts:gen",
            "--es_opt",
            "import_extension=js",
            "--plugin=protoc-gen-es=node_modules/.bin/protoc-gen-es",
            "--plugin",
            "bin/protoc-gen-x",
            "--x_out",
            "out",
            "--descriptor_set_out=a.pb",
            "--rust_out=r",
            "a.proto",
        ]))
        .unwrap();
        assert_eq!(
            rest,
            args(&[
                "protoforge",
                "compile",
                "-I",
                "x",
                "--descriptor_set_out=a.pb",
                "--rust_out=r",
                "a.proto"
            ])
        );
        assert_eq!(o.directives.len(), 2);
        assert_eq!(o.directives[0].flag, "--es_out");
        assert_eq!(o.directives[0].location, "gen");
        assert_eq!(
            o.parameter(&o.directives[0]),
            "target=ts,import_extension=js"
        );
        assert_eq!(o.parameter(&o.directives[1]), "");
        assert_eq!(o.plugin_path("protoc-gen-x"), Some("bin/protoc-gen-x"));
        assert_eq!(
            o.plugin_path("protoc-gen-es"),
            Some("node_modules/.bin/protoc-gen-es")
        );
    }

    #[test]
    fn other_subcommands_untouched() {
        let a = args(&["protoforge", "breaking", "--x_out=y"]);
        let (rest, o) = take_output_args(a.clone()).unwrap();
        assert_eq!(rest, a);
        assert!(o.is_empty());
    }

    #[test]
    fn flag_errors() {
        let e = take_output_args(args(&["p", "compile", "--x_opt=a", "a.proto"])).unwrap_err();
        assert_eq!(e, "Unknown flag: --x_opt");
        let e = take_output_args(args(&["p", "compile", "a.proto", "--x_out"])).unwrap_err();
        assert_eq!(e, "Missing value for flag: --x_out");
        // An option is fine when --plugin names the plugin.
        take_output_args(args(&[
            "p",
            "compile",
            "--plugin=protoc-gen-x=y",
            "--x_opt=a",
        ]))
        .unwrap();
    }

    #[test]
    fn parameters_join_like_protoc() {
        let (_, mut o) = take_output_args(args(&[
            "p",
            "compile",
            "--x_out=a,:o",
            "--x_opt=,",
            "--x_opt=",
            "--y_out=:o",
        ]))
        .unwrap();
        assert_eq!(o.parameter(&o.directives[0]), "a,,,,");
        assert_eq!(o.parameter(&o.directives[1]), "");
        o.push_builtin("rust", "btree_map=.:gen", &["bytes=.".into()]);
        assert!(o.directives[0].builtin);
        assert_eq!(o.parameter(&o.directives[0]), "btree_map=.,bytes=.");
    }

    #[test]
    fn insertion_points() {
        let mut d = OutputDir::default();
        let mut err = Vec::new();
        d.add(
            "a.txt",
            b"start\n\t x; // @@protoc_insertion_point(p)\ncall(/* @@protoc_insertion_point(q) */);\n"
                .to_vec(),
            &mut err,
        );
        d.insert("a.txt", "p", b"l1\n\nl3", &mut err);
        d.insert("a.txt", "p", b"", &mut err);
        d.insert("a.txt", "q", b"A, ", &mut err);
        assert!(err.is_empty());
        assert_eq!(
            String::from_utf8(d.files["a.txt"].clone()).unwrap(),
            "start\n\t l1\n\t \n\t l3\n\t x; // @@protoc_insertion_point(p)\ncall(A, \n/* @@protoc_insertion_point(q) */);\n"
        );
        d.insert("a.txt", "nope", b"x", &mut err);
        d.insert("b.txt", "p", b"x", &mut err);
        d.add("a.txt", Vec::new(), &mut err);
        assert_eq!(
            String::from_utf8(err).unwrap(),
            "a.txt: insertion point \"nope\" not found.\n\
             b.txt: Tried to insert into file that doesn't exist.\n\
             a.txt: Tried to write the same file twice.\n"
        );
        assert!(d.had_error);
    }

    #[test]
    fn continuation_chunks() {
        let mut d = OutputDir::default();
        let mut err = Vec::new();
        let f = |n: &str, c: &str| ResponseFile {
            name: n.into(),
            insertion_point: String::new(),
            content: c.as_bytes().to_vec(),
        };
        apply_files(&mut d, "protoc-gen-x", &[f("a", "1"), f("", "2")], &mut err).unwrap();
        assert_eq!(d.files["a"], b"12");
        let e = apply_files(
            &mut OutputDir::default(),
            "protoc-gen-x",
            &[f("", "2")],
            &mut err,
        )
        .unwrap_err();
        assert!(e.ends_with("First file chunk returned by plugin did not specify a file name."));
    }

    #[test]
    fn response_decoding() {
        let resp = CodeGeneratorResponse {
            error: Some("e".into()),
            supported_features: Some(3),
            minimum_edition: Some(998),
            maximum_edition: Some(1001),
            file: vec![code_generator_response::File {
                name: Some("n".into()),
                insertion_point: Some("i".into()),
                content: Some("c".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        let got = decode_response(&encode_to_vec(&resp)).unwrap();
        assert_eq!(got.error, "e");
        assert_eq!(got.supported_features, 3);
        assert_eq!((got.minimum_edition, got.maximum_edition), (998, 1001));
        assert_eq!(got.file[0].insertion_point, "i");
        assert_eq!(got.file[0].content, b"c");
        assert!(decode_response(b"\xff\xff\xff").is_err());
        assert_eq!(c_escape(b"\xff\n\"a\x01"), "\\377\\n\\\"a\\001");
    }

    #[test]
    fn unsafe_names_are_refused_before_anything_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let loc = tmp.path().to_string_lossy().into_owned();
        for bad in ["../x", "a/../../x", "..", "x..", "dir/", "."] {
            let mut dirs = BTreeMap::new();
            let mut d = OutputDir::default();
            d.files.insert("a/ok.txt".into(), b"ok".to_vec());
            d.files.insert(bad.into(), b"bad".to_vec());
            dirs.insert(format!("{loc}/"), d);
            let mut err = Vec::new();
            assert!(!write_all(&dirs, &mut err), "{bad}");
            assert!(!tmp.path().join("a").exists(), "{bad}");
        }
        // An absolute name lands inside the directory, as with protoc.
        let mut dirs = BTreeMap::new();
        let mut d = OutputDir::default();
        d.files.insert("/abs/x.txt".into(), b"x".to_vec());
        dirs.insert(format!("{loc}/"), d);
        assert!(write_all(&dirs, &mut Vec::new()));
        assert_eq!(std::fs::read(tmp.path().join("abs/x.txt")).unwrap(), b"x");
    }

    #[test]
    fn edition_names() {
        assert_eq!(edition_name(1000), "2023");
        assert_eq!(edition_name(998), "PROTO2");
        assert_eq!(edition_name(5), "");
    }
}
