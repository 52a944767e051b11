//! Stage 2: find files through the include roots, parse them (in
//! parallel), and order them by their imports.
//!
//! Names follow protoc: every file has a *virtual* name relative to the
//! include root it was found under; an input given by its disk path is
//! mapped to its virtual name through the first root that contains it.

pub mod wkt;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Sources};
use crate::link::lower::Lowered;
use crate::link::source_info::LocationForm;
use crate::syntax::ast::{self, FileItem, ImportKind, Span};
use crate::syntax::parse_with;

/// Largest file we read (protoc's own limit on one file is 2 GiB; we keep
/// memory bounded instead).
pub const MAX_FILE_SIZE: u64 = 256 << 20;

/// Where files come from.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Include roots, in search order (`-I`). Empty means the current
    /// directory, as protoc.
    pub roots: Vec<PathBuf>,
    /// Serve the well-known types from built-in text when no root has them.
    pub builtin_wkt: bool,
    /// Leave comments out of the syntax trees: set when nothing will ask
    /// for source info or documentation (it saves a good part of parsing).
    pub skip_comments: bool,
    /// Lower each file as soon as it is parsed, with source locations
    /// unless `skip_comments`, and free its syntax tree there and then
    /// ([`SourceFile::lowered`]). The trees of a large set never all exist
    /// at once: a good part less peak memory. Files with syntax errors keep
    /// their trees and are not lowered.
    pub lower: bool,
    /// With `lower`, also free the text of each file read from disk once it
    /// is lowered without errors: the texts are most of a large set's
    /// memory. [`SourceFile::text`] reads a released text again, for the
    /// few files that diagnostics are about.
    pub release_text: bool,
    /// With `lower` and source locations, record them in wire form
    /// ([`EncodedLocations`]): for a compilation whose only product is a
    /// descriptor set, nothing reads them but the writer.
    ///
    /// [`EncodedLocations`]: crate::descriptor::source_code_info::EncodedLocations
    pub wire_locations: bool,
}

/// One import statement, resolved.
#[derive(Clone, Debug)]
pub struct Import {
    pub name: String,
    pub kind: ImportKind,
    /// Span of the whole import statement.
    pub span: Span,
    /// Index into [`Loaded::files`], when the file could be loaded.
    pub file: Option<usize>,
}

/// A parsed file.
#[derive(Debug)]
pub struct SourceFile {
    /// Virtual name, e.g. `google/api/http.proto`.
    pub name: String,
    /// Where it was read from; `None` for a built-in file.
    pub path: Option<PathBuf>,
    /// The text, or what is left of it once released (see
    /// [`LoadOptions::release_text`]).
    text: FileText,
    /// The syntax tree; `None` once released (see
    /// [`SourceFile::with_ast`]).
    pub ast: Option<ast::File>,
    /// The file lowered while loading ([`LoadOptions::lower`]), for
    /// linking to take.
    pub lowered: Option<Lowered>,
    pub imports: Vec<Import>,
    /// True when this file or anything it imports has errors.
    pub has_errors: bool,
}

/// A loaded file's text: in memory, or released after lowering (see
/// [`LoadOptions::release_text`]) and read again on demand.
#[derive(Debug)]
enum FileText {
    Kept(Arc<str>),
    Released {
        /// The text's length: every span stays below it.
        len: usize,
        /// Whether the text contains `map_entry`.
        map_entry: bool,
        /// The text, once read again.
        again: std::sync::OnceLock<Arc<str>>,
    },
}

/// A text while its file is loaded: a file read from disk stays in its own
/// `String` until the loader knows whether it is kept (then shared) or
/// released.
#[derive(Debug)]
enum Held {
    Owned(String),
    Shared(Arc<str>),
    Released { len: usize, map_entry: bool },
}

impl From<Held> for FileText {
    fn from(h: Held) -> FileText {
        match h {
            Held::Owned(s) => FileText::Kept(Arc::from(s)),
            Held::Shared(s) => FileText::Kept(s),
            Held::Released { len, map_entry } => FileText::Released {
                len,
                map_entry,
                again: std::sync::OnceLock::new(),
            },
        }
    }
}

impl SourceFile {
    /// A file with its text in memory and nothing parsed yet.
    pub fn from_text(name: &str, text: &str) -> SourceFile {
        SourceFile {
            name: name.to_string(),
            path: None,
            text: FileText::Kept(Arc::from(text)),
            ast: None,
            lowered: None,
            imports: Vec::new(),
            has_errors: false,
        }
    }

    /// The file's text. A released text is read again from its file (once);
    /// if the file has changed since, its length no longer matches and the
    /// text comes back blank (spaces of the old length), so that every span
    /// still points inside it.
    pub fn text(&self) -> &Arc<str> {
        let (len, again) = match &self.text {
            FileText::Kept(t) => return t,
            FileText::Released { len, again, .. } => (*len, again),
        };
        again.get_or_init(|| {
            let again = self
                .path
                .as_deref()
                .and_then(|p| std::fs::read(p).ok())
                .map(|b| decode_utf8(b).0)
                .filter(|t| t.len() == len);
            Arc::from(again.unwrap_or_else(|| " ".repeat(len)))
        })
    }

    /// Whether the text was released after lowering.
    pub fn text_released(&self) -> bool {
        matches!(self.text, FileText::Released { .. })
    }

    /// Whether the text contains `map_entry` (without reading a released
    /// text again).
    pub fn mentions_map_entry(&self) -> bool {
        match &self.text {
            FileText::Kept(t) => memchr::memmem::find(t.as_bytes(), b"map_entry").is_some(),
            FileText::Released { map_entry, .. } => *map_entry,
        }
    }

    /// Runs `f` on the file's syntax tree. A released tree is parsed again
    /// from the text (with comments): only diagnostics ask for it then, and
    /// only for files that have some.
    pub fn with_ast<R>(&self, f: impl FnOnce(&ast::File) -> R) -> R {
        match &self.ast {
            Some(ast) => f(ast),
            None => f(&parse_with(&self.name, self.text(), true).file),
        }
    }

    /// Frees the syntax tree: linking keeps what it needs in its own form,
    /// and the trees of a large set are a good part of the peak memory.
    pub fn release_ast(&mut self) {
        self.ast = None;
    }
}

/// Everything the loader found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub files: Vec<SourceFile>,
    /// The inputs (virtual names resolved to indices), in command-line order.
    pub inputs: Vec<usize>,
    /// Every reachable file, dependencies before dependents, depth first in
    /// input order: protoc's `--include_imports` order.
    pub order: Vec<usize>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The texts of all files, for rendering diagnostics.
    pub fn sources(&self) -> Sources {
        let mut s = Sources::new();
        for f in &self.files {
            s.add(f.name.clone(), f.text().clone());
        }
        s
    }

    /// The texts for rendering `diagnostics`: every text still in memory,
    /// and the released ones that a diagnostic points into (read again).
    pub fn sources_for(&self, diagnostics: &[Diagnostic]) -> Sources {
        let named: std::collections::HashSet<&str> = diagnostics
            .iter()
            .flat_map(|d| d.primary.iter().chain(&d.secondary))
            .map(|l| l.location.file.as_str())
            .collect();
        let wanted: Vec<&SourceFile> = self
            .files
            .iter()
            .filter(|f| !f.text_released() || named.contains(f.name.as_str()))
            .collect();
        // Read again on the pool: warnings can point into hundreds of files.
        wanted.par_iter().for_each(|f| {
            f.text();
        });
        let mut s = Sources::new();
        for f in wanted {
            s.add(f.name.clone(), f.text().clone());
        }
        s
    }

    pub fn file(&self, name: &str) -> Option<&SourceFile> {
        self.files.iter().find(|f| f.name == name)
    }
}

/// Canonicalizes a path as protoc does: drops `.` components and repeated
/// slashes; keeps `..`.
fn canonicalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Maps `disk` (canonical) through a root (canonical): the virtual name, if
/// the root is a prefix of the path.
fn apply_root(disk: &str, root: &str) -> Option<String> {
    if root.is_empty() {
        return (!disk.starts_with('/')).then(|| disk.to_string());
    }
    let rest = disk.strip_prefix(root)?;
    if root.ends_with('/') {
        return Some(rest.to_string());
    }
    rest.strip_prefix('/').map(str::to_string)
}

fn valid_virtual(name: &str) -> bool {
    !name.is_empty()
        && !name.contains('\\')
        && !name.starts_with('/')
        && name
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
}

enum Found {
    /// A regular file on disk, with the size it had when found.
    Disk(PathBuf, u64),
    Builtin(&'static str),
    Memory(Arc<str>),
}

struct Resolver<'a> {
    opts: &'a LoadOptions,
    roots: Vec<(PathBuf, String)>,
    /// Files held in memory (virtual name, text), found before any root.
    memory: HashMap<String, Arc<str>>,
    /// Inputs already found on disk while their names were made: virtual
    /// name to path and size.
    found: HashMap<String, (PathBuf, u64)>,
}

/// Loads built-in files only (no include roots, not even the current
/// directory): the schemas protoforge itself relies on.
pub fn load_builtin(names: &[&str]) -> Loaded {
    let opts = LoadOptions {
        roots: Vec::new(),
        builtin_wkt: true,
        skip_comments: true,
        lower: false,
        release_text: false,
        wire_locations: false,
    };
    let resolver = Resolver {
        opts: &opts,
        roots: Vec::new(),
        memory: HashMap::new(),
        found: HashMap::new(),
    };
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    load_with(&resolver, names, Loaded::default())
}

/// Loads files held in memory, `(virtual name, text)`, with no include
/// roots at all (the file system is never read); `inputs` are virtual
/// names. With `builtin_wkt`, imports of the well-known types are served
/// from the built-in copies. Used by the fuzz targets and by tests.
pub fn load_in_memory(files: &[(&str, &str)], inputs: &[&str], builtin_wkt: bool) -> Loaded {
    let opts = LoadOptions {
        roots: Vec::new(),
        builtin_wkt,
        skip_comments: false,
        lower: false,
        release_text: false,
        wire_locations: false,
    };
    load_in_memory_with(files, inputs, &opts)
}

/// [`load_in_memory`] with the other load options (`roots` is ignored):
/// `lower` gives the compile pipeline's early lowering.
pub fn load_in_memory_with(files: &[(&str, &str)], inputs: &[&str], opts: &LoadOptions) -> Loaded {
    let resolver = Resolver {
        opts,
        roots: Vec::new(),
        memory: files
            .iter()
            .map(|(n, t)| (n.to_string(), Arc::from(*t)))
            .collect(),
        found: HashMap::new(),
    };
    let mut names: Vec<String> = Vec::new();
    for n in inputs {
        if !names.iter().any(|x| x == n) {
            names.push(n.to_string());
        }
    }
    load_with(&resolver, names, Loaded::default())
}

impl<'a> Resolver<'a> {
    fn new(opts: &'a LoadOptions) -> Self {
        let roots: Vec<PathBuf> = if opts.roots.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            opts.roots.clone()
        };
        let roots = roots
            .into_iter()
            .map(|r| {
                let canon = canonicalize(&r.to_string_lossy());
                (r, canon)
            })
            .collect();
        Resolver {
            opts,
            roots,
            memory: HashMap::new(),
            found: HashMap::new(),
        }
    }

    fn disk_path(root: &Path, name: &str) -> PathBuf {
        if root.as_os_str().is_empty() || root == Path::new(".") {
            PathBuf::from(name)
        } else {
            root.join(name)
        }
    }

    /// Finds a virtual name: the first root that has it, then the built-ins.
    fn find(&self, name: &str) -> Option<Found> {
        if let Some(t) = self.memory.get(name) {
            return Some(Found::Memory(t.clone()));
        }
        if let Some((p, size)) = self.found.get(name) {
            return Some(Found::Disk(p.clone(), *size));
        }
        if valid_virtual(name) {
            for (root, _) in &self.roots {
                let p = Self::disk_path(root, name);
                // One stat tells both that it is a file and its size.
                if let Ok(m) = std::fs::metadata(&p) {
                    if m.is_file() {
                        return Some(Found::Disk(p, m.len()));
                    }
                }
            }
        }
        if self.opts.builtin_wkt {
            return wkt::builtin(name).map(Found::Builtin);
        }
        None
    }

    /// Resolves a command-line input to a virtual name, or an error with
    /// protoc's wording. With the name comes the input's size when the
    /// file that name is read from is the input itself (same path), so
    /// that reading it takes no second stat.
    fn input_name(&self, input: &str) -> Result<(String, Option<(PathBuf, u64)>), String> {
        let Ok(meta) = std::fs::metadata(input) else {
            if self.find(input).is_some() {
                return Ok((input.to_string(), None));
            }
            return Err(format!(
                "Could not make proto path relative: {input}: No such file or directory"
            ));
        };
        let disk = canonicalize(input);
        for (i, (_, root)) in self.roots.iter().enumerate() {
            let Some(virt) = apply_root(&disk, root) else {
                continue;
            };
            if !valid_virtual(&virt) {
                continue;
            }
            // An earlier root holding the same virtual name shadows this input.
            for (root_path, _) in &self.roots[..i] {
                let p = Self::disk_path(root_path, &virt);
                if p.is_file() {
                    return Err(format!(
                        "{input}: Input is shadowed in the --proto_path by \"{}\".  Either use the latter file as your \
                         input or reorder the --proto_path so that the former file's location comes first.",
                        p.display()
                    ));
                }
            }
            let path = Self::disk_path(&self.roots[i].0, &virt);
            let same = meta.is_file() && path == Path::new(input);
            return Ok((virt, same.then_some((path, meta.len()))));
        }
        if self.find(input).is_some() {
            return Ok((input.to_string(), None));
        }
        Err(format!(
            "{input}: File does not reside within any path specified using --proto_path (or -I).  You must specify a \
             --proto_path which encompasses this file.  Note that the proto_path must be an exact prefix of the .proto \
             file names -- protoc is too dumb to figure out when two paths (e.g. absolute and relative) are equivalent \
             (it's harder than you think)."
        ))
    }
}

/// A file read and parsed, before imports are linked up.
struct Parsed {
    name: String,
    path: Option<PathBuf>,
    text: Held,
    ast: Option<ast::File>,
    imports: Vec<(String, ImportKind, Span)>,
    lowered: Option<Lowered>,
    diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    fn new(
        name: &str,
        path: Option<PathBuf>,
        text: Held,
        ast: ast::File,
        diagnostics: Vec<Diagnostic>,
    ) -> Parsed {
        Parsed {
            name: name.to_string(),
            path,
            text,
            imports: imports_of(&ast),
            ast: Some(ast),
            lowered: None,
            diagnostics,
        }
    }

    /// Lowers the file and frees its tree, unless it has errors; with
    /// `release`, frees the text of a file read from disk too.
    fn lower(mut self, locations: LocationForm, release: bool) -> Parsed {
        if self.diagnostics.iter().any(Diagnostic::is_error) {
            return self;
        }
        let text: &str = match &self.text {
            Held::Owned(t) => t,
            Held::Shared(t) => t,
            Held::Released { .. } => return self,
        };
        if let Some(ast) = self.ast.take() {
            self.lowered = Some(crate::link::lower::lower_parsed(
                &self.name, text, &ast, locations,
            ));
        }
        if release && self.path.is_some() && self.lowered.is_some() {
            let released = Held::Released {
                len: text.len(),
                map_entry: memchr::memmem::find(text.as_bytes(), b"map_entry").is_some(),
            };
            if let Held::Owned(t) = std::mem::replace(&mut self.text, released) {
                recycle_text(t);
            }
        }
        self
    }
}

/// Reads the file at `path`, whose size was `size` when it was found,
/// into room for that many bytes and one more, with no second stat
/// (`std::fs::read` makes one for its size hint; without one std reads in
/// growing chunks: 17.6k reads for googleapis' 7.6k files, against 15.2k
/// when all was read at once into zeroed memory). `None` when the file has
/// grown past the size limit since.
fn read_file(path: &Path, size: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let f = std::fs::File::open(path)?;
    // The room left by the last released text on this thread, when it is
    // enough: texts are read into (mostly) the same memory over and over.
    let mut bytes = crate::spare::take_with_room(&crate::spare::TEXT, size as usize + 1);
    // All of it, up to one byte past the limit (the file may have grown
    // since the stat): reads straight into the room, and one more that
    // finds the end.
    f.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE_SIZE).then_some(bytes))
}

/// Keeps the buffer of a text no longer needed for the next file read on
/// this thread. Texts of ever-changing sizes, each in a new allocation,
/// kept fresh memory coming, and each new page costs a fault and a clear.
/// The text of an unusually large file is freed as before: its room would
/// stay unused most of the time.
fn recycle_text(text: String) {
    crate::spare::keep_roomier(&crate::spare::TEXT, text.into_bytes(), 1 << 20);
}

fn read_and_parse(resolver: &Resolver<'_>, name: &str) -> Option<Parsed> {
    let (path, text): (Option<PathBuf>, Arc<str>) = match resolver.find(name)? {
        Found::Builtin(t) => (None, Arc::from(t)),
        Found::Memory(t) => (None, t),
        Found::Disk(p, size) => {
            let mut diagnostics = Vec::new();
            let read = if size > MAX_FILE_SIZE {
                Ok(None)
            } else {
                read_file(&p, size)
            };
            let bytes = match read {
                Ok(Some(b)) => Some(b),
                Ok(None) => {
                    diagnostics.push(Diagnostic::error(
                        "file-too-large",
                        format!("{name}: File is larger than the limit of {MAX_FILE_SIZE} bytes."),
                    ));
                    None
                }
                Err(e) => {
                    diagnostics.push(Diagnostic::error("read-failed", format!("{name}: {e}")));
                    None
                }
            };
            let Some(bytes) = bytes else {
                return Some(Parsed::new(
                    name,
                    Some(p),
                    Held::Owned(String::new()),
                    ast::File::default(),
                    diagnostics,
                ));
            };
            let (text, invalid) = decode_utf8(bytes);
            let r = parse_with(name, &text, !resolver.opts.skip_comments);
            if let Some(at) = invalid_outside_comments(&text, &invalid) {
                diagnostics.push(
                    Diagnostic::error("invalid-utf8", "File is not valid UTF-8.")
                        .at(
                            name,
                            at..at + 1,
                            "this byte does not start a valid UTF-8 sequence",
                        )
                        .with_note("bytes that are not UTF-8 are only accepted inside comments"),
                );
            }
            diagnostics.extend(r.diagnostics);
            return Some(Parsed::new(
                name,
                Some(p),
                Held::Owned(text),
                r.file,
                diagnostics,
            ));
        }
    };
    let r = parse_with(name, &text, !resolver.opts.skip_comments);
    Some(Parsed::new(
        name,
        path,
        Held::Shared(text),
        r.file,
        r.diagnostics,
    ))
}

/// Text from bytes: every byte that is not part of valid UTF-8 becomes one
/// U+FFFD. Also returns where those replacements start in the text.
fn decode_utf8(bytes: Vec<u8>) -> (String, Vec<usize>) {
    let bytes = match String::from_utf8(bytes) {
        Ok(s) => return (s, Vec::new()),
        Err(e) => e.into_bytes(),
    };
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut invalid = Vec::new();
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for _ in chunk.invalid() {
            invalid.push(text.len());
            text.push(char::REPLACEMENT_CHARACTER);
        }
    }
    (text, invalid)
}

/// protoc reads bytes, and any byte goes in a comment; protoforge reads
/// text. A byte that was not UTF-8 is harmless inside a comment (only the
/// comment's text in source info changes); in a string literal it would
/// change a value, and elsewhere it is an error anyway. Returns the first
/// replacement that lies inside a token, if any.
fn invalid_outside_comments(text: &str, invalid: &[usize]) -> Option<usize> {
    if invalid.is_empty() {
        return None;
    }
    // A file with this many errors reports the bad bytes anyway.
    let toks =
        crate::syntax::lexer::tokenize_limited(text, crate::syntax::parser::MAX_ERRORS_PER_FILE)
            .toks;
    invalid.iter().copied().find(|&at| {
        // The last token starting at or before `at`.
        let i = toks.partition_point(|(_, s)| s.start as usize <= at);
        i > 0 && (toks[i - 1].1.end as usize) > at
    })
}

fn imports_of(file: &ast::File) -> Vec<(String, ImportKind, Span)> {
    file.items
        .iter()
        .filter_map(|i| match i {
            FileItem::Import(imp) => Some((imp.path.lossy(), imp.kind, imp.span)),
            _ => None,
        })
        .collect()
}

/// Loads the inputs and everything they import.
pub fn load(inputs: &[String], opts: &LoadOptions) -> Loaded {
    let mut resolver = Resolver::new(opts);
    let mut out = Loaded::default();

    // Inputs to virtual names.
    // Each name takes a few file-system calls: they run on the pool, the
    // results are taken in command-line order.
    let mapped: Vec<Result<_, String>> = {
        use rayon::prelude::*;
        inputs.par_iter().map(|i| resolver.input_name(i)).collect()
    };
    let mut input_names = Vec::new();
    let mut sizes = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for name in mapped {
        match name {
            Ok((n, size)) => {
                if seen.insert(n.clone()) {
                    input_names.push(n);
                    sizes.push(size);
                }
            }
            Err(msg) => out.diagnostics.push(Diagnostic::error("input", msg)),
        }
    }
    if out.has_errors() {
        return out;
    }
    crate::trace::phase("load: input names");
    // What the inputs' stats found need not be looked for again.
    let found = input_names
        .iter()
        .zip(sizes)
        .filter_map(|(n, found)| Some((n.clone(), found?)))
        .collect();
    resolver.found = found;
    load_with(&resolver, input_names, out)
}

fn load_with(resolver: &Resolver<'_>, input_names: Vec<String>, mut out: Loaded) -> Loaded {
    // Breadth-first waves of parallel parsing.
    let mut index: rustc_hash::FxHashMap<String, Option<usize>> = Default::default();
    let mut parsed: Vec<Parsed> = Vec::new();
    let mut wave: Vec<String> = Vec::new();
    for n in &input_names {
        if index.insert(n.clone(), None).is_none() {
            wave.push(n.clone());
        }
    }
    while !wave.is_empty() {
        let results: Vec<(String, Option<Parsed>)> = wave
            .par_iter()
            .map(|n| {
                let mut p = read_and_parse(resolver, n);
                if resolver.opts.lower {
                    let form = match (resolver.opts.skip_comments, resolver.opts.wire_locations) {
                        (true, _) => LocationForm::None,
                        (false, false) => LocationForm::Structs,
                        (false, true) => LocationForm::Wire,
                    };
                    p = p.map(|p| p.lower(form, resolver.opts.release_text));
                }
                (n.clone(), p)
            })
            .collect();
        let mut next = Vec::new();
        for (name, p) in results {
            let Some(p) = p else { continue };
            for (imp, _, _) in &p.imports {
                if !index.contains_key(imp) {
                    index.insert(imp.clone(), None);
                    next.push(imp.clone());
                }
            }
            index.insert(name, Some(parsed.len()));
            parsed.push(p);
        }
        wave = next;
    }
    // The scratch room of reading and parsing goes back to the allocator
    // for what comes next.
    rayon::broadcast(|_| crate::spare::release_all());
    crate::trace::phase("load: read and parse");

    for p in parsed {
        let imports = p
            .imports
            .into_iter()
            .map(|(name, kind, span)| {
                let file = index.get(&name).copied().flatten();
                Import {
                    name,
                    kind,
                    span,
                    file,
                }
            })
            .collect();
        let has_errors = p.diagnostics.iter().any(Diagnostic::is_error);
        out.diagnostics.extend(p.diagnostics);
        out.files.push(SourceFile {
            name: p.name,
            path: p.path,
            text: p.text.into(),
            ast: p.ast,
            lowered: p.lowered,
            imports,
            has_errors,
        });
    }
    out.inputs = input_names
        .iter()
        .filter_map(|n| index.get(n).copied().flatten())
        .collect();
    for n in &input_names {
        if index.get(n).copied().flatten().is_none() {
            out.diagnostics.push(Diagnostic::error(
                "file-not-found",
                format!("{n}: File not found."),
            ));
        }
    }
    crate::trace::phase("load: imports");
    order_and_check(&mut out);
    out
}

/// Depth-first walk from the inputs: dependency order, cycles, missing or
/// broken imports, imports listed twice.
fn order_and_check(out: &mut Loaded) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Active,
        Done,
    }
    let n = out.files.len();
    let mut state = vec![State::New; n];
    let mut reported_missing: Vec<String> = Vec::new();
    let mut diags = Vec::new();
    let inputs = out.inputs.clone();
    for &root in &inputs {
        if state[root] != State::New {
            continue;
        }
        // Explicit stack of (file, next import to visit).
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = State::Active;
        while let Some(&mut (f, ref mut next)) = stack.last_mut() {
            let i = *next;
            if i < out.files[f].imports.len() {
                *next += 1;
                let imp = out.files[f].imports[i].clone();
                let file_name = out.files[f].name.clone();
                if out.files[f].imports[..i].iter().any(|o| o.name == imp.name) {
                    diags.push(
                        Diagnostic::error(
                            "import-duplicate",
                            format!("Import \"{}\" was listed twice.", imp.name),
                        )
                        .at(
                            &file_name,
                            imp.span.range(),
                            "imported again here",
                        ),
                    );
                    continue;
                }
                match imp.file {
                    None => {
                        if !reported_missing.contains(&imp.name) {
                            reported_missing.push(imp.name.clone());
                            diags.push(Diagnostic::error(
                                "file-not-found",
                                format!("{}: File not found.", imp.name),
                            ));
                        }
                        diags.push(
                            Diagnostic::error(
                                "import-not-found",
                                format!("Import \"{}\" was not found or had errors.", imp.name),
                            )
                            .at(
                                &file_name,
                                imp.span.range(),
                                "not found on any include path",
                            ),
                        );
                        out.files[f].has_errors = true;
                    }
                    Some(d) => match state[d] {
                        State::New => {
                            state[d] = State::Active;
                            stack.push((d, 0));
                        }
                        State::Active => {
                            // A cycle: the stack from `d` up to `f`, then `d` again.
                            let pos = stack.iter().position(|s| s.0 == d).unwrap_or(0);
                            let mut chain: Vec<&str> = stack[pos..]
                                .iter()
                                .map(|s| out.files[s.0].name.as_str())
                                .collect();
                            chain.push(&out.files[d].name);
                            let (first, first_next) = stack[pos];
                            let at = out.files[first].imports[first_next - 1].span;
                            diags.push(
                                Diagnostic::error(
                                    "import-cycle",
                                    format!(
                                        "File recursively imports itself: {}",
                                        chain.join(" -> ")
                                    ),
                                )
                                .at(
                                    &out.files[first].name,
                                    at.range(),
                                    "this import leads back here",
                                ),
                            );
                            out.files[f].has_errors = true;
                            diags.push(
                                Diagnostic::error(
                                    "import-not-found",
                                    format!("Import \"{}\" was not found or had errors.", imp.name),
                                )
                                .at(
                                    &file_name,
                                    imp.span.range(),
                                    "",
                                ),
                            );
                        }
                        State::Done => {
                            if out.files[d].has_errors {
                                out.files[f].has_errors = true;
                                diags.push(
                                    Diagnostic::error(
                                        "import-not-found",
                                        format!(
                                            "Import \"{}\" was not found or had errors.",
                                            imp.name
                                        ),
                                    )
                                    .at(
                                        &file_name,
                                        imp.span.range(),
                                        "the imported file has errors",
                                    ),
                                );
                            }
                        }
                    },
                }
            } else {
                stack.pop();
                state[f] = State::Done;
                out.order.push(f);
                // Errors propagate to the importer, as protoc reports them.
                if out.files[f].has_errors {
                    if let Some(&(parent, pnext)) = stack.last() {
                        let imp = out.files[parent].imports[pnext - 1].clone();
                        out.files[parent].has_errors = true;
                        diags.push(
                            Diagnostic::error(
                                "import-not-found",
                                format!("Import \"{}\" was not found or had errors.", imp.name),
                            )
                            .at(
                                &out.files[parent].name,
                                imp.span.range(),
                                "the imported file has errors",
                            ),
                        );
                    }
                }
            }
        }
    }
    out.diagnostics.extend(diags);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_paths() {
        assert_eq!(canonicalize("./a//b/./c.proto"), "a/b/c.proto");
        assert_eq!(canonicalize("/x/./y"), "/x/y");
        assert_eq!(canonicalize("."), "");
        assert_eq!(apply_root("a/b.proto", ""), Some("a/b.proto".into()));
        assert_eq!(apply_root("a/b.proto", "a"), Some("b.proto".into()));
        assert_eq!(apply_root("ab/b.proto", "a"), None);
        assert_eq!(apply_root("/abs/b.proto", ""), None);
    }

    #[test]
    fn read_file_takes_what_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.proto");
        std::fs::write(&p, "syntax = \"proto3\";").unwrap();
        // The size seen at the stat is only a guess: a file that grew or
        // shrank since is read whole.
        for guess in [0, 4, 18, 19, 100] {
            let b = read_file(&p, guess).unwrap().unwrap();
            assert_eq!(b, b"syntax = \"proto3\";", "size guess {guess}");
        }
        assert!(read_file(&dir.path().join("missing.proto"), 3).is_err());
    }

    fn write(dir: &Path, name: &str, text: &str) {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn opts(dir: &Path) -> LoadOptions {
        LoadOptions {
            roots: vec![dir.to_path_buf()],
            builtin_wkt: true,
            skip_comments: false,
            lower: false,
            release_text: false,
            wire_locations: false,
        }
    }

    #[test]
    fn released_texts_are_read_again_on_demand() {
        let d = tempfile::tempdir().unwrap();
        let a = "syntax = \"proto3\";\nimport \"b.proto\";\nmessage A { B b = 1; }\n";
        let b = "syntax = \"proto3\";\n// option map_entry, in a comment\nmessage B {}\n";
        write(d.path(), "a.proto", a);
        write(d.path(), "b.proto", b);
        let o = LoadOptions {
            lower: true,
            release_text: true,
            ..opts(d.path())
        };
        let l = load(&["a.proto".into()], &o);
        assert!(!l.has_errors(), "{:?}", l.diagnostics);
        let (fa, fb) = (l.file("a.proto").unwrap(), l.file("b.proto").unwrap());
        assert!(fa.text_released() && fb.text_released());
        assert!(fa.lowered.is_some() && fb.lowered.is_some());
        assert!(!fa.mentions_map_entry() && fb.mentions_map_entry());
        assert_eq!(&**fa.text(), a);
        // Only the files a diagnostic points into are read again.
        let warn = Diagnostic::warning("w", "x").at("b.proto", 0..6, "");
        let s = l.sources_for(&[warn]);
        assert_eq!(s.get("b.proto"), Some(b));
        assert!(s.get("a.proto").is_none());
        assert!(s.get("google/protobuf/empty.proto").is_none());

        // A file changed since it was read comes back blank, of the length
        // its spans were made for.
        let before = "syntax = \"proto2\";";
        write(d.path(), "b.proto", before);
        let l = load(&["b.proto".into()], &o);
        write(d.path(), "b.proto", "changed");
        let t = l.file("b.proto").unwrap().text();
        assert_eq!(t.len(), before.len());
        assert!(t.bytes().all(|c| c == b' '));

        // Files with errors, and loads that do not ask for it, keep theirs.
        write(d.path(), "c.proto", "syntax = \"proto3\"; message {");
        let l = load(&["c.proto".into()], &o);
        assert!(!l.file("c.proto").unwrap().text_released());
        let l = load(
            &["a.proto".into()],
            &LoadOptions {
                lower: true,
                ..opts(d.path())
            },
        );
        assert!(!l.file("a.proto").unwrap().text_released());
    }

    #[test]
    fn order_is_depth_first_dependencies_first() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "a.proto",
            "syntax = \"proto3\"; import \"b.proto\"; import \"c.proto\";",
        );
        write(
            d.path(),
            "b.proto",
            "syntax = \"proto3\"; import \"c.proto\";",
        );
        write(
            d.path(),
            "c.proto",
            "syntax = \"proto3\"; import \"google/protobuf/empty.proto\";",
        );
        let l = load(&["a.proto".into()], &opts(d.path()));
        assert!(!l.has_errors(), "{:?}", l.diagnostics);
        let names: Vec<&str> = l.order.iter().map(|&i| l.files[i].name.as_str()).collect();
        assert_eq!(
            names,
            [
                "google/protobuf/empty.proto",
                "c.proto",
                "b.proto",
                "a.proto"
            ]
        );
        assert!(
            l.files.iter().any(|f| f.path.is_none()),
            "empty.proto comes from the built-ins"
        );
    }

    #[test]
    fn cycles_are_reported_with_the_chain() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "a.proto",
            "syntax = \"proto3\";\nimport \"b.proto\";\n",
        );
        write(
            d.path(),
            "b.proto",
            "syntax = \"proto3\";\nimport \"a.proto\";\n",
        );
        let l = load(&["a.proto".into()], &opts(d.path()));
        let msgs: Vec<&str> = l.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(
            msgs.contains(&"File recursively imports itself: a.proto -> b.proto -> a.proto"),
            "{msgs:?}"
        );
    }

    #[test]
    fn missing_and_duplicate_imports() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "x.proto", "syntax = \"proto3\";\nimport \"nope.proto\";\nimport \"d.proto\";\nimport \"d.proto\";\n");
        write(d.path(), "d.proto", "syntax = \"proto3\";\n");
        let l = load(&["x.proto".into()], &opts(d.path()));
        let msgs: Vec<&str> = l.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(msgs.contains(&"nope.proto: File not found."), "{msgs:?}");
        assert!(
            msgs.contains(&"Import \"nope.proto\" was not found or had errors."),
            "{msgs:?}"
        );
        assert!(
            msgs.contains(&"Import \"d.proto\" was listed twice."),
            "{msgs:?}"
        );
    }

    #[test]
    fn a_file_on_a_root_wins_over_the_builtin() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "google/protobuf/empty.proto",
            "syntax = \"proto3\"; package mine;",
        );
        let l = load(&["google/protobuf/empty.proto".into()], &opts(d.path()));
        assert!(l.files[0].path.is_some());
        assert!(l.files[0].text().contains("package mine"));
    }

    #[test]
    fn inputs_outside_every_root_are_rejected() {
        let d = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        write(other.path(), "z.proto", "syntax = \"proto3\";");
        let input = other.path().join("z.proto").to_string_lossy().into_owned();
        let l = load(&[input], &opts(d.path()));
        assert!(l.diagnostics[0]
            .message
            .contains("File does not reside within any path"));
    }
}
