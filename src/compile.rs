//! The pipeline behind every front door: load, lower, encode.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::descriptor::{encode_file_set, FileDescriptorProto, SourceCodeInfo};
use crate::diagnostics::{Diagnostic, Sources};
use crate::link::finish::{apply_strip, drop_locations, plan_strip, strip_options, StripPlan};
use crate::link::{link_with, Linked};
use crate::load::{load, LoadOptions, Loaded};

/// What to compile and how to write it.
#[derive(Clone, Debug, Default)]
pub struct CompileOptions {
    /// Include roots (`-I`), in search order.
    pub roots: Vec<PathBuf>,
    /// Serve the well-known types from the built-in copies when no root has them.
    pub builtin_wkt: bool,
    /// Put every imported file in the set too (`--include_imports`).
    pub include_imports: bool,
    /// Keep `source_code_info` (`--include_source_info`).
    pub include_source_info: bool,
    /// Keep source-retention options (`--retain_options`).
    pub retain_options: bool,
}

/// The result of a compilation: the descriptors of the requested files (in
/// protoc's order) and every diagnostic.
#[derive(Debug)]
pub struct Compilation {
    pub loaded: Loaded,
    /// Descriptors in output order.
    pub files: Vec<FileDescriptorProto>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The texts for rendering the diagnostics (released texts are read
    /// again only for the files the diagnostics point into).
    pub fn sources(&self) -> Sources {
        self.loaded.sources_for(&self.diagnostics)
    }

    /// The `FileDescriptorSet` bytes.
    pub fn descriptor_set(&self) -> Vec<u8> {
        encode_file_set(&self.files)
    }

    /// Writes the `FileDescriptorSet` bytes to `w`, encoding a few hundred
    /// files at a time (in parallel): the whole set is never in memory.
    /// Each batch is written while the next one is being encoded.
    pub fn write_descriptor_set(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        use crate::descriptor::encode_file_set_parts;
        let mut batches = self.files.chunks(256);
        let mut ready = batches.next().map(encode_file_set_parts);
        while let Some(parts) = ready.take() {
            let next = batches.next();
            let mut written = Ok(());
            // The scope's own body (the writing) stays on this thread, so
            // `w` need not be sendable; the encoding runs on the pool.
            rayon::in_place_scope(|s| {
                if let Some(batch) = next {
                    s.spawn(|_| ready = Some(encode_file_set_parts(batch)));
                }
                written = write_all_parts(w, &parts);
            });
            written?;
        }
        Ok(())
    }
}

/// Writes `parts` one after the other, in as few calls as the writer
/// takes (a file takes a whole batch in a few `writev`s).
fn write_all_parts(
    w: &mut dyn std::io::Write,
    parts: &[crate::descriptor::EncodedFile<'_>],
) -> std::io::Result<()> {
    use std::io::IoSlice;
    let mut slices: Vec<IoSlice<'_>> = Vec::with_capacity(parts.len() * 3);
    for p in parts {
        p.for_each_piece(|b| {
            if !b.is_empty() {
                slices.push(IoSlice::new(b));
            }
        });
    }
    let mut rest = &mut slices[..];
    while !rest.is_empty() {
        match w.write_vectored(rest) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut rest, n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Compiles `inputs` (paths or virtual names, as on protoc's command line).
pub fn compile(inputs: &[String], opts: &CompileOptions) -> Compilation {
    compile_inner(inputs, opts, Keep::Nothing).0
}

/// Like [`compile`], for a caller that ends the process right after: the
/// linked files (without source info) come back instead of being freed, so
/// that the caller can `std::mem::forget` them with the compilation.
/// Freeing millions of small allocations one by one costs a tenth of the
/// whole run on googleapis (`protoforge compile` uses this).
pub fn compile_then_exit(
    inputs: &[String],
    opts: &CompileOptions,
) -> (Compilation, Option<Linked>) {
    compile_inner(inputs, opts, Keep::Leftovers)
}

/// Like [`compile`], and also hands back the linked files (all of them,
/// with source info, in the retained-options form) when there were no
/// errors: what code generators and plugin requests are made from.
pub fn compile_linked(inputs: &[String], opts: &CompileOptions) -> (Compilation, Option<Linked>) {
    compile_inner(inputs, opts, Keep::Linked)
}

/// Like [`compile_linked`], for callers that only run generators: no
/// descriptor set is made, so [`Compilation::descriptor_set`] is empty.
/// Building the output copies of every file costs about a tenth of a
/// `--rust_out` run on googleapis and a third more memory.
pub fn compile_linked_without_set(
    inputs: &[String],
    opts: &CompileOptions,
) -> (Compilation, Option<Linked>) {
    compile_inner(inputs, opts, Keep::LinkedOnly)
}

/// What [`compile_inner`] hands back besides the compilation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Nothing: the linked files are freed (on the thread pool).
    Nothing,
    /// The linked files, complete, for generators and plugins.
    Linked,
    /// The linked files as for `Linked`, without the output descriptors.
    LinkedOnly,
    /// The linked files as they are after output, for the caller to
    /// forget.
    Leftovers,
}

fn compile_inner(
    inputs: &[String],
    opts: &CompileOptions,
    keep_mode: Keep,
) -> (Compilation, Option<Linked>) {
    let keep = matches!(keep_mode, Keep::Linked | Keep::LinkedOnly);
    let mut kept = None;
    // The built-in descriptor.proto is linked once per process and needed
    // from option checking on: link it while the inputs are read.
    // On a pool of its own, so that it never waits behind the inputs' work.
    std::thread::spawn(
        || match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
            Ok(pool) => pool.install(|| {
                crate::link::schema::builtin_linked();
            }),
            Err(_) => {
                crate::link::schema::builtin_linked();
            }
        },
    );
    let mut loaded = load(
        inputs,
        &LoadOptions {
            roots: opts.roots.clone(),
            builtin_wkt: opts.builtin_wkt,
            skip_comments: !(opts.include_source_info || keep),
            lower: true,
            release_text: matches!(keep_mode, Keep::Nothing | Keep::Leftovers),
            // Only the caller that writes a descriptor set and exits gets
            // them: a `Compilation`'s files otherwise hold `Location`s.
            wire_locations: keep_mode == Keep::Leftovers,
        },
    );
    let mut diagnostics = loaded.diagnostics.clone();
    let mut files = Vec::new();
    if !loaded.has_errors() {
        let linked = link_with(&mut loaded, opts.include_source_info || keep);
        diagnostics.extend(linked.diagnostics.iter().cloned());
        if !diagnostics.iter().any(Diagnostic::is_error) {
            diagnostics.extend(crate::check::run(&loaded, &linked));
        }
        crate::trace::phase("check");
        let clean = !diagnostics.iter().any(Diagnostic::is_error);
        if clean && keep_mode == Keep::LinkedOnly {
            kept = Some(linked);
        } else if clean {
            let mut linked = linked;
            // Source info, when the linked files are not kept: moved out
            // before any copy is made (dropped if not wanted), put back
            // into the output copies afterwards.
            let mut infos: Vec<Option<SourceCodeInfo>> = Vec::new();
            if !keep {
                infos = linked
                    .schema
                    .files
                    .iter_mut()
                    .map(|f| f.source_code_info.take())
                    .collect();
                if !opts.include_source_info {
                    infos.clear();
                }
            }
            let mut is_input = vec![false; loaded.files.len()];
            for &i in &loaded.inputs {
                is_input[i] = true;
            }
            let wanted: Vec<usize> = loaded
                .order
                .iter()
                .copied()
                .filter(|&i| opts.include_imports || is_input[i])
                .collect();
            let made: Vec<(FileDescriptorProto, Vec<Vec<i32>>)> = if keep {
                // Generators read the linked files afterwards: copies.
                wanted
                    .par_iter()
                    .map(|&i| {
                        if opts.retain_options {
                            (linked.files()[i].clone(), Vec::new())
                        } else {
                            strip_options(&linked.files()[i], &linked.combined())
                        }
                    })
                    .collect()
            } else {
                // Nothing reads them afterwards: the stripping is worked
                // out while the schema can still be read, then done to the
                // linked files themselves, moved out without a copy.
                let plans: Vec<StripPlan> = if opts.retain_options {
                    Vec::new()
                } else {
                    wanted
                        .par_iter()
                        .map(|&i| plan_strip(&linked.files()[i], &linked.combined()))
                        .collect()
                };
                let all = &mut linked.schema.files;
                let taken: Vec<FileDescriptorProto> = wanted
                    .iter()
                    .map(|&i| std::mem::take(&mut all[i]))
                    .collect();
                if opts.retain_options {
                    taken.into_iter().map(|fd| (fd, Vec::new())).collect()
                } else {
                    taken
                        .into_par_iter()
                        .zip(plans)
                        .map(|(mut fd, plan)| {
                            let removed = apply_strip(&mut fd, plan);
                            (fd, removed)
                        })
                        .collect()
                }
            };
            files = made
                .into_iter()
                .zip(&wanted)
                .map(|((mut fd, removed), &i)| {
                    if opts.include_source_info {
                        if let Some(info) = infos.get_mut(i) {
                            fd.source_code_info = info.take();
                        }
                        drop_locations(fd.source_code_info.as_mut(), &removed);
                    } else {
                        fd.source_code_info = None;
                    }
                    fd
                })
                .collect();
            crate::trace::phase("output descriptors");
            if keep_mode != Keep::Nothing {
                kept = Some(linked);
            } else {
                // Freeing millions of small allocations takes a while: let
                // the thread pool do it while the output is written.
                rayon::spawn(move || drop(linked));
            }
        }
    }
    let compilation = Compilation {
        loaded,
        files,
        diagnostics,
    };
    (compilation, kept)
}
