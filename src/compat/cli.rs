//! `protoforge breaking`: arguments and the run function the CLI calls.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::config::{self, BufYaml};
use super::input;
use super::report::{self, Format};
use super::rules::{self, ConfigVersion, RULES};
use super::{check, ignore, CheckOptions, Finding};

/// Exit status when breaking changes are found (buf's).
pub const EXIT_FINDINGS: u8 = 100;

#[derive(Args, Debug)]
pub struct BreakingArgs {
    /// The new input: a directory (default `.`), a descriptor set or buf
    /// image (`.binpb`, `.pb`), or a git reference (`.git#branch=main`,
    /// `#tag=…`, `#ref=…`, `,subdir=…`).
    #[arg(value_name = "INPUT")]
    pub input: Option<String>,

    /// The input to check against, in the same forms.
    #[arg(long, value_name = "AGAINST", required_unless_present = "list_rules")]
    pub against: Option<String>,

    /// buf.yaml file (or its YAML text) to use instead of the input's.
    #[arg(long, value_name = "FILE_OR_DATA")]
    pub config: Option<String>,

    /// buf.yaml file (or its YAML text) for the against input.
    #[arg(long = "against-config", value_name = "FILE_OR_DATA")]
    pub against_config: Option<String>,

    /// Import roots for directory inputs without a buf.yaml (repeatable).
    #[arg(short = 'I', long = "proto_path", visible_alias = "proto-path")]
    pub proto_path: Vec<PathBuf>,

    /// How to print findings.
    #[arg(long = "error-format", value_enum, default_value = "text")]
    pub error_format: Format,

    /// For a descriptor-set INPUT: the directory its .proto sources are in
    /// (used for exact locations and for the human format's snippets).
    #[arg(long = "source-root", value_name = "DIR")]
    pub source_root: Option<PathBuf>,

    /// The same for the against input.
    #[arg(long = "against-source-root", value_name = "DIR")]
    pub against_source_root: Option<PathBuf>,

    /// Leave out files that are only imported.
    #[arg(long = "exclude-imports")]
    pub exclude_imports: bool,

    /// Only report findings in these files or directories (repeatable).
    #[arg(long = "path")]
    pub paths: Vec<String>,

    /// Drop findings in these files or directories (repeatable).
    #[arg(long = "exclude-path")]
    pub exclude_paths: Vec<String>,

    /// List the rules with their categories and a one-line description.
    #[arg(long = "list-rules")]
    pub list_rules: bool,

    /// With --list-rules: the configuration version (default v2).
    #[arg(long = "config-version", value_name = "VERSION")]
    pub config_version: Option<String>,
}

fn load_config(arg: &str) -> Result<BufYaml, String> {
    let p = std::path::Path::new(arg);
    if p.is_file() {
        config::load(p)
    } else {
        config::parse(arg)
    }
}

fn list_rules(version: ConfigVersion, out: &mut dyn Write) -> std::io::Result<()> {
    let rows: Vec<_> = RULES
        .iter()
        .filter_map(|r| Some((r, r.categories(version)?)))
        .collect();
    let w = rows.iter().map(|(r, _)| r.id.len()).max().unwrap_or(2);
    let cats = |c: &[&str]| c.join(", ");
    let cw = rows
        .iter()
        .map(|(_, c)| cats(c).len())
        .max()
        .unwrap_or(10)
        .max(10);
    writeln!(out, "{:<w$}  {:<cw$}  DESCRIPTION", "ID", "CATEGORIES")?;
    for (r, c) in rows {
        writeln!(out, "{:<w$}  {:<cw$}  {}", r.id, cats(c), r.description)?;
    }
    Ok(())
}

fn path_in(name: &str, p: &str) -> bool {
    let p = p.trim_end_matches('/');
    name == p || name.starts_with(&format!("{p}/"))
}

/// Checks `new` against `old` with a configuration: resolves the rules,
/// runs them and applies the configuration's and the comments' ignores.
/// Also returns warnings (deprecated rule names).
pub fn evaluate(
    new: &input::Loaded,
    old: &input::Loaded,
    cfg: &BufYaml,
    exclude_imports: bool,
) -> Result<(Vec<Finding>, Vec<String>), String> {
    let module = cfg.modules.first().cloned().unwrap_or(config::Module {
        path: ".".into(),
        excludes: Vec::new(),
        breaking: config::Breaking::default(),
    });
    let (enabled, warnings) =
        rules::resolve(cfg.version, &module.breaking.use_, &module.breaking.except)?;
    let opts = CheckOptions {
        rules: enabled,
        exclude_imports,
    };
    let findings = check(&new.image, &old.image, &opts);
    let findings = ignore::apply_config(
        findings,
        &module.breaking,
        cfg.version,
        &new.image,
        &old.image,
    );
    Ok((ignore::apply_comments(findings, &new.image), warnings))
}

/// Runs the command; the exit code is 0 (no findings), 100 (findings) or
/// 1 (bad inputs or configuration).
pub fn run(args: BreakingArgs) -> ExitCode {
    match run_inner(&args) {
        Ok(n) if n > 0 => ExitCode::from(EXIT_FINDINGS),
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(args: &BreakingArgs) -> Result<usize, String> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.list_rules {
        let version = match &args.config_version {
            Some(v) => ConfigVersion::parse(v).ok_or_else(|| format!("unknown version {v}"))?,
            None => ConfigVersion::V2,
        };
        list_rules(version, &mut out).map_err(|e| e.to_string())?;
        return Ok(0);
    }
    let against = args.against.as_deref().ok_or("--against is required")?;
    let config = args.config.as_deref().map(load_config).transpose()?;
    let against_config = args
        .against_config
        .as_deref()
        .map(load_config)
        .transpose()?;
    let new_spec = input::parse_spec(args.input.as_deref().unwrap_or("."))?;
    let old_spec = input::parse_spec(against)?;
    // The two inputs load in parallel (decoding dominates on large sets).
    let (new, old) = std::thread::scope(|scope| {
        let old = scope.spawn(|| {
            input::load(
                &old_spec,
                &args.proto_path,
                against_config.as_ref(),
                args.against_source_root.as_deref(),
            )
        });
        let new = input::load(
            &new_spec,
            &args.proto_path,
            config.as_ref(),
            args.source_root.as_deref(),
        );
        let old = old
            .join()
            .unwrap_or_else(|_| Err("loading the against input failed".to_string()));
        (new, old)
    });
    let (new, old) = (new?, old?);
    let cfg = new.config.clone().unwrap_or_default();
    let (findings, warnings) = evaluate(&new, &old, &cfg, args.exclude_imports)?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    let findings: Vec<Finding> = findings
        .into_iter()
        .filter(|f| {
            let names: Vec<&str> = f
                .file_name
                .iter()
                .chain(f.against_file.iter())
                .map(String::as_str)
                .collect();
            (args.paths.is_empty()
                || names
                    .iter()
                    .any(|n| args.paths.iter().any(|p| path_in(n, p))))
                && !names
                    .iter()
                    .any(|n| args.exclude_paths.iter().any(|p| path_in(n, p)))
        })
        .collect();
    match report::write(&findings, args.error_format, &mut out) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.to_string()),
        _ => {}
    }
    Ok(findings.len())
}
