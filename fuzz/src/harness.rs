//! The bodies of the fuzz targets, shared with the regression tests.
//!
//! Every function takes arbitrary bytes and returns normally; a panic, an
//! abort, a stack overflow or a time-out is a bug. Beyond "no panic", the
//! harnesses assert a few invariants that hold for any input (token spans
//! inside the text, descriptor sets that survive a decode/encode round
//! trip, no breaking findings between a schema and itself), so that the
//! fuzzer finds wrong answers as well as crashes.

use protoforge::descriptor::compiler::{CodeGeneratorRequest, CodeGeneratorResponse};
use protoforge::descriptor::{decode, encode_to_vec, Decode, Encode, FileDescriptorSet};
use protoforge::diagnostics::{render, Diagnostic, ErrorFormat};
use protoforge::load::{load_in_memory, Loaded};

/// The name the fuzzed file is compiled under.
pub const FILE_NAME: &str = "fuzz.proto";

/// Separates the two files of a `breaking` input: never part of UTF-8
/// text, so it cannot clash with anything the file itself contains.
pub const SEPARATOR: u8 = 0xff;

/// Makes the calling thread the only worker of rayon's global pool, so
/// that the library's parallel loops run inline on it: one fuzzed input is
/// a file or two, and handing each stage to another thread and waiting for
/// it costs more than the work. For the fuzz targets only, which libFuzzer
/// always calls from its main thread; tests keep the default pool, since a
/// test thread that is the pool's only worker ends with its test.
pub fn single_thread() {
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build_global();
}

/// Bytes to text: valid UTF-8 as is, anything else the way the loader
/// reads it (lossily, with the replacement character).
fn text_of(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Diagnostics rendered with snippets per input: the first ones and the
/// last (rendering is per diagnostic; all of them would make every input
/// with a thousand errors a hundred times slower to run).
const RENDERED: usize = 4;

/// Renders diagnostics in every format into memory: rendering handles
/// spans, line and column arithmetic and escaping, and must not panic on
/// whatever a stage produced.
fn render_with(diags: &[Diagnostic], sources: &protoforge::diagnostics::Sources) {
    let mut some: Vec<Diagnostic> = diags.iter().take(RENDERED).cloned().collect();
    if diags.len() > RENDERED {
        some.extend(diags.last().cloned());
    }
    for format in [ErrorFormat::Human, ErrorFormat::Json, ErrorFormat::Github] {
        let mut out = Vec::new();
        render(&some, sources, format, false, &mut out).expect("rendering into memory");
    }
    let mut out = Vec::new();
    render(diags, sources, ErrorFormat::Gcc, false, &mut out).expect("rendering into memory");
}

fn render_all(diags: &[Diagnostic], loaded: &Loaded) {
    render_with(diags, &loaded.sources());
}

/// The lexer: tokens in order, spans inside the text; string tokens
/// unescape and the gaps between tokens attribute their comments.
pub fn lexer(data: &[u8]) {
    use protoforge::syntax::lexer::{gap_comments, tokenize, unescape, Tok};
    let text = text_of(data);
    let text: &str = &text;
    let tokens = tokenize(text);
    let mut prev_end = 0usize;
    let mut prev: Option<usize> = None;
    for (i, (tok, span)) in tokens.toks.iter().enumerate() {
        let (start, end) = (span.start as usize, span.end as usize);
        assert!(start <= end, "token span reversed: {start}..{end}");
        assert!(end <= text.len(), "token span past the end: {start}..{end}");
        assert!(start >= prev_end, "tokens overlap or are out of order");
        let s = text.get(start..end).unwrap_or("");
        if i < 16 {
            let _ = tok.describe(s);
        }
        if let Tok::Str(raw) = tok {
            let _ = unescape(raw);
        }
        let _ = gap_comments(text, prev, start, s);
        prev = Some(end);
        prev_end = end;
    }
    let _ = gap_comments(text, prev, text.len(), "");
    for e in &tokens.errors {
        assert!(e.span.start <= e.span.end);
        assert!(
            e.span.end as usize <= text.len() + 1,
            "error span past the end"
        );
    }
}

/// The parser (with validation and text-format aggregates), then every
/// diagnostic rendered.
pub fn parser(data: &[u8]) {
    let text = text_of(data);
    let r = protoforge::syntax::parse(FILE_NAME, &text);
    let mut sources = protoforge::diagnostics::Sources::new();
    sources.add(FILE_NAME, std::sync::Arc::<str>::from(&*text));
    render_with(&r.diagnostics, &sources);
    let errors = r.diagnostics.iter().filter(|d| d.is_error()).count();
    assert!(
        errors <= protoforge::syntax::parser::MAX_ERRORS_PER_FILE + 1,
        "{errors} errors reported for one file"
    );
}

/// What a full in-memory compilation produced.
pub struct Compiled {
    pub loaded: Loaded,
    pub diagnostics: Vec<Diagnostic>,
    /// Every file in dependency order with source info and retained
    /// options (what generators see), when there were no errors.
    pub full: Option<Vec<protoforge::descriptor::FileDescriptorProto>>,
    /// The `-o` descriptor set of the input alone, when there were no errors.
    pub set: Option<Vec<u8>>,
}

/// Compiles `files` (name, text) with the built-in well-known types behind
/// them, through the same stages as `protoforge compile`, without touching
/// the file system.
pub fn compile_files(files: &[(&str, &str)], inputs: &[&str]) -> Compiled {
    compile_files_with(files, inputs, false)
}

/// [`compile_files`]; with `early`, the way `protoforge compile` does it:
/// each file lowered (with source info) as it is parsed and its syntax
/// tree freed, trees parsed again only for diagnostics that need spans.
pub fn compile_files_with(files: &[(&str, &str)], inputs: &[&str], early: bool) -> Compiled {
    compile_files_form(files, inputs, early, false)
}

/// [`compile_files_with`]; with `wire` (and `early`), source locations are
/// kept in wire form from lowering on, as `protoforge compile` does when a
/// descriptor set is its only output.
pub fn compile_files_form(
    files: &[(&str, &str)],
    inputs: &[&str],
    early: bool,
    wire: bool,
) -> Compiled {
    let mut loaded = if early {
        let opts = protoforge::load::LoadOptions {
            builtin_wkt: true,
            lower: true,
            wire_locations: wire,
            ..Default::default()
        };
        protoforge::load::load_in_memory_with(files, inputs, &opts)
    } else {
        load_in_memory(files, inputs, true)
    };
    let mut diagnostics = loaded.diagnostics.clone();
    let mut full = None;
    let mut set = None;
    if !loaded.has_errors() {
        let linked = if early {
            protoforge::link::link_with(&mut loaded, true)
        } else {
            protoforge::link::link(&loaded)
        };
        diagnostics.extend(linked.diagnostics.iter().cloned());
        if !diagnostics.iter().any(Diagnostic::is_error) {
            diagnostics.extend(protoforge::check::run(&loaded, &linked));
        }
        if !diagnostics.iter().any(Diagnostic::is_error) {
            let schema = linked.combined();
            let mut out = Vec::new();
            let mut all = Vec::new();
            for &i in &loaded.order {
                let fd = &linked.files()[i];
                all.push(fd.clone());
                if loaded.inputs.contains(&i) {
                    let mut stripped = protoforge::link::finish::strip_for_output(fd, &schema);
                    stripped.source_code_info = None;
                    out.push(stripped);
                }
            }
            set = Some(encode_to_vec(&FileDescriptorSet {
                file: out,
                unknown: Vec::new(),
            }));
            full = Some(all);
        }
    }
    Compiled {
        loaded,
        diagnostics,
        full,
        set,
    }
}

/// Decoding then encoding gives a fixed point: `encode(decode(b))`
/// decodes to a message that encodes to the same bytes again.
fn assert_round_trip<T: Decode + Encode>(what: &str, bytes: &[u8]) -> Option<T> {
    let m: T = decode(bytes).ok()?;
    let once = encode_to_vec(&m);
    let again: T = decode(&once).unwrap_or_else(|e| panic!("{what}: re-decoding failed: {e}"));
    let twice = encode_to_vec(&again);
    assert!(once == twice, "{what}: encoding is not a fixed point");
    Some(m)
}

/// A full compile of one file plus the built-in well-known types; on
/// success the descriptor set round-trips and the Rust backend runs.
pub fn compile(data: &[u8]) {
    let text = text_of(data);
    // Half the inputs (by length) take the CLI's early-lowering path.
    let early = data.len() % 2 == 1;
    let c = compile_files_with(&[(FILE_NAME, &text)], &[FILE_NAME], early);
    render_all(&c.diagnostics, &c.loaded);
    if early {
        // Locations made straight into bytes encode as the structs do.
        let w = compile_files_form(&[(FILE_NAME, &text)], &[FILE_NAME], true, true);
        let encoded = |c: &Compiled| {
            c.full
                .as_ref()
                .map(|fs| fs.iter().map(encode_to_vec).collect::<Vec<_>>())
        };
        assert!(
            encoded(&c) == encoded(&w),
            "wire-form locations encode differently"
        );
        assert!(c.set == w.set, "wire-form compilation writes another set");
    }
    if let Some(set) = &c.set {
        let back: FileDescriptorSet = decode(set).expect("our own descriptor set decodes");
        assert!(
            encode_to_vec(&back) == *set,
            "descriptor set does not survive a round trip"
        );
    }
    if let Some(all) = c.full {
        use protoforge::backend::Backend;
        let pool = protoforge::descriptor::pool::Pool::new(all);
        let generated =
            protoforge::backend::rust::RustBackend.generate(&pool, &[FILE_NAME.to_string()], &[]);
        for f in &generated.files {
            assert!(
                !f.name.starts_with('/') && !f.name.split('/').any(|p| p == ".." || p.is_empty()),
                "backend produced an unsafe file name: {:?}",
                f.name
            );
        }
    }
}

/// Plugin protocol decoding: a CodeGeneratorRequest (what a plugin reads)
/// and a CodeGeneratorResponse (what protoforge reads back from one), from
/// the same bytes. Decoding may fail, never panic; what decodes re-encodes
/// to a fixed point.
pub fn plugin_request(data: &[u8]) {
    if let Some(req) = assert_round_trip::<CodeGeneratorRequest>("request", data) {
        // What protoc-gen-forge does with it: the Rust backend over
        // whatever descriptors it was handed (nothing guarantees they are
        // linked, or even consistent).
        let (response, _) = protoforge::plugin::serve(&protoforge::backend::rust::RustBackend, req);
        let _ = encode_to_vec(&response);
    }
    let _ = assert_round_trip::<CodeGeneratorResponse>("response", data);
    // How protoforge reads a plugin's answer.
    let _ = protoforge::plugin::decode_response(data);
}

/// `breaking` over two files (split at [`SEPARATOR`]; without one, the
/// file is compared with itself, which must give no findings).
pub fn breaking(data: &[u8]) {
    use protoforge::compat::model::{Image, ImageFile};
    use protoforge::compat::{check, ignore, report, rules, CheckOptions};
    let (new, old) = match data.iter().position(|&b| b == SEPARATOR) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, data),
    };
    let same = new == old;
    let image = |bytes: &[u8]| -> Option<Image> {
        let text = text_of(bytes);
        let c = compile_files(&[(FILE_NAME, &text)], &[FILE_NAME]);
        let files = c.full?;
        let texts: std::collections::HashMap<&str, &std::sync::Arc<str>> = c
            .loaded
            .files
            .iter()
            .map(|f| (f.name.as_str(), f.text()))
            .collect();
        Some(Image {
            files: files
                .into_iter()
                .map(|fd| {
                    let name = fd.name().to_string();
                    let source = texts.get(name.as_str()).map(|t| (*t).clone());
                    let mut f = ImageFile::new(fd, name != FILE_NAME, name);
                    f.source = source;
                    f
                })
                .collect(),
        })
    };
    let Some(new) = image(new) else { return };
    let Some(old) = image(old) else { return };
    let opts = CheckOptions {
        rules: rules::RULES.iter().map(|r| r.id).collect(),
        exclude_imports: false,
    };
    let findings = check(&new, &old, &opts);
    if same {
        assert!(
            findings.is_empty(),
            "a schema is incompatible with itself: {:?}",
            findings.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
    }
    let findings = ignore::apply_comments(findings, &new);
    for format in [
        report::Format::Text,
        report::Format::Json,
        report::Format::Msvs,
        report::Format::GithubActions,
        report::Format::Junit,
        report::Format::Human,
    ] {
        let mut out = Vec::new();
        report::write(&findings, format, &mut out).expect("report into memory");
    }
}
