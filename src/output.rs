//! Writing outputs without ever leaving a half-written file behind.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How an output path is written.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// Not a regular file (`/dev/null`, a terminal, a named pipe, or a
    /// `/dev/stdout` or `/proc/self/fd/N` link to anything): opened and
    /// written in place, never replaced.
    Direct,
    /// A regular file or a new one: written to a temporary file next to
    /// this path and renamed onto it. For a symbolic link to a regular file
    /// this is the file it points to, so the link stays a link.
    Replace(PathBuf),
}

/// Paths that are handles onto open files: renaming over one of them
/// would replace the handle (as root, `/dev/stdout` itself), and even
/// following it to a file name would miss how the file was opened.
fn is_special(path: &Path) -> bool {
    path.starts_with("/proc")
        || path.starts_with("/dev/fd")
        || ["/dev/stdin", "/dev/stdout", "/dev/stderr"]
            .iter()
            .any(|p| path == Path::new(p))
}

/// Whether following the symbolic links from `path` passes through a
/// special path.
fn links_through_special(path: &Path) -> bool {
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        if is_special(&at) {
            return true;
        }
        match fs::read_link(&at) {
            Ok(next) => {
                at = match at.parent() {
                    Some(parent) if next.is_relative() => parent.join(next),
                    _ => next,
                }
            }
            Err(_) => return false,
        }
    }
    true
}

fn classify(path: &Path) -> Target {
    if links_through_special(path) {
        return Target::Direct;
    }
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => match fs::canonicalize(path) {
            // A link to a regular file: replace the file, keep the link.
            Ok(real) if fs::metadata(&real).is_ok_and(|m| m.is_file()) => Target::Replace(real),
            // A link to a device or a pipe: write through it.
            Ok(_) => Target::Direct,
            // A dangling link: creating through it is what `open` would
            // do, and all a rename could do is replace the link.
            Err(_) => Target::Direct,
        },
        Ok(m) if !m.is_file() => Target::Direct,
        _ => Target::Replace(path.to_path_buf()),
    }
}

/// Writes `bytes` to `path`.
///
/// A regular file (or a path that does not exist yet) is written to a
/// temporary file in the same directory and renamed into place, so readers
/// see either the old or the new content, and on an error the old content
/// stays. A symbolic link to a regular file keeps being a link; the file
/// it points to is replaced. Anything else — `/dev/null`, `/dev/stdout`,
/// `/proc/self/fd/N`, a terminal, a named pipe — is written directly and
/// never replaced.
///
/// If no temporary file can be made next to an existing file that can be
/// written (a read-only directory), the file is overwritten in place, as
/// protoc would.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_chunks(path, &[bytes])
}

/// [`write_atomic`] for content in pieces, written one after the other
/// (no joined copy of a large output is made).
pub fn write_atomic_chunks<B: AsRef<[u8]>>(path: &Path, chunks: &[B]) -> io::Result<()> {
    write_atomic_with(path, |w| {
        for c in chunks {
            w.write_all(c.as_ref())?;
        }
        Ok(())
    })
}

/// [`write_atomic`] for content that `fill` writes, in order, to the
/// writer it is given (buffered): a large output need never be held in
/// memory whole.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let path = match classify(path) {
        Target::Direct => return write_direct(path, fill),
        Target::Replace(p) => p,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let tmp = match tempfile::Builder::new()
        .prefix(".protoforge-")
        .suffix(".tmp")
        .tempfile_in(dir)
    {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied && path.is_file() => {
            return write_direct(&path, fill);
        }
        Err(e) => return Err(e),
    };
    // Temporary files are private; the output gets the mode an ordinary
    // create would give it, or keeps the mode of the file it replaces.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path)
            .map_or_else(|_| fs::Permissions::from_mode(0o644), |m| m.permissions());
        tmp.as_file().set_permissions(mode)?;
    }
    // No fsync: the rename already keeps readers from ever seeing a partial
    // file, and forcing 80 MB to disk would cost more than the whole write
    // (protoc does not sync its outputs either).
    write_with(Reserving::new(tmp.as_file()), fill)?;
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

/// Opens `path` for writing (truncating a regular file, as protoc does) and
/// lets `fill` write to it.
fn write_direct(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let f = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    write_with(io::BufWriter::new(f), fill)
}

/// A buffered writer onto a file written from its start, that reserves
/// disk space for each large write just before making it (Linux:
/// `fallocate` with `FALLOC_FL_KEEP_SIZE`; elsewhere nothing is reserved).
///
/// ext4 (with its default `auto_da_alloc`) allocates the blocks of a file
/// written without them, and starts writing it out, at the moment it is
/// renamed over another file: for a 20 MB descriptor set that rename took
/// 10-50 ms here, against 3 ms with the blocks reserved while writing
/// (the space of the file replaced being freed). The size of the file is
/// only what was written; a failed reservation changes nothing. Small
/// writes reserve nothing: the tail they leave is cheap to allocate, and
/// space reserved past the end would stay taken.
///
/// The buffer sits inside: the file's vectored writes reach the file
/// whole (std's buffer splits them up for a writer it does not know).
struct Reserving<'a> {
    inner: io::BufWriter<&'a fs::File>,
    /// Bytes taken so far: where the next write lands in the file.
    at: u64,
}

/// Writes smaller than this are not worth a system call of their own.
const RESERVE_FROM: usize = 64 * 1024;

impl<'a> Reserving<'a> {
    fn new(file: &'a fs::File) -> Self {
        Reserving {
            inner: io::BufWriter::new(file),
            at: 0,
        }
    }

    fn reserve(&self, len: usize) {
        #[cfg(target_os = "linux")]
        if len >= RESERVE_FROM {
            use std::os::fd::AsRawFd;
            if let (Ok(at), Ok(len)) = (libc::off_t::try_from(self.at), libc::off_t::try_from(len))
            {
                // SAFETY: a plain system call on a descriptor we hold open;
                // its result is only advice, so errors are ignored.
                unsafe {
                    libc::fallocate(
                        self.inner.get_ref().as_raw_fd(),
                        libc::FALLOC_FL_KEEP_SIZE,
                        at,
                        len,
                    );
                }
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = (len, RESERVE_FROM);
    }
}

impl Write for Reserving<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.reserve(buf.len());
        let n = self.inner.write(buf)?;
        self.at += n as u64;
        Ok(n)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.reserve(bufs.iter().map(|b| b.len()).sum());
        let n = self.inner.write_vectored(bufs)?;
        self.at += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Lets `fill` write to `w` (a buffered writer), then flushes it.
fn write_with(
    mut w: impl Write,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    fill(&mut w)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn chunks_are_written_in_order() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.pb");
        fs::write(&p, b"old content").unwrap();
        let chunks = [b"ab".to_vec(), Vec::new(), b"cde".to_vec()];
        write_atomic_chunks(&p, &chunks).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"abcde");
        assert_eq!(names(d.path()), ["out.pb"]);
        write_atomic_chunks(Path::new("/dev/null"), &chunks).unwrap();
    }

    #[test]
    fn large_writes_reserved_ahead_leave_the_exact_content() {
        // Writes past RESERVE_FROM reserve space first; the file must
        // still be exactly what was written, over a longer old file too.
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.pb");
        fs::write(&p, vec![7u8; 3 * RESERVE_FROM]).unwrap();
        let chunks: Vec<Vec<u8>> = (0..5u8)
            .map(|i| vec![i; RESERVE_FROM + 1 + i as usize * 1000])
            .chain([b"tail".to_vec()])
            .collect();
        write_atomic_chunks(&p, &chunks).unwrap();
        assert_eq!(fs::read(&p).unwrap(), chunks.concat());
        assert_eq!(names(d.path()), ["out.pb"]);
    }

    #[test]
    fn replaces_regular_files_and_leaves_no_temporaries() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.pb");
        fs::write(&p, b"old").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        assert_eq!(names(d.path()), ["out.pb"]);
        // A new file.
        let q = d.path().join("fresh.pb");
        write_atomic(&q, b"x").unwrap();
        assert_eq!(fs::read(&q).unwrap(), b"x");
        assert_eq!(names(d.path()), ["fresh.pb", "out.pb"]);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_the_mode_of_the_file_it_replaces() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.pb");
        fs::write(&p, b"old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let q = d.path().join("new.pb");
        write_atomic(&q, b"new").unwrap();
        assert_eq!(
            fs::metadata(&q).unwrap().permissions().mode() & 0o777,
            0o644
        );
    }

    #[test]
    fn a_failed_write_leaves_the_old_content() {
        let d = tempfile::tempdir().unwrap();
        // The target is a non-empty directory: the rename fails.
        let p = d.path().join("out");
        fs::create_dir(&p).unwrap();
        fs::write(p.join("keep"), b"k").unwrap();
        assert!(write_atomic(&p, b"new").is_err());
        assert_eq!(fs::read(p.join("keep")).unwrap(), b"k");
        assert_eq!(names(d.path()), ["out"], "no temporary left behind");
        // A missing directory.
        assert!(write_atomic(&d.path().join("no/such/dir/x.pb"), b"x").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn writes_devices_in_place() {
        use std::os::unix::fs::FileTypeExt;
        write_atomic(Path::new("/dev/null"), b"discarded").unwrap();
        assert!(fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
        assert_eq!(classify(Path::new("/dev/stdout")), Target::Direct);
        assert_eq!(classify(Path::new("/dev/fd/1")), Target::Direct);
        assert_eq!(classify(Path::new("/proc/self/fd/2")), Target::Direct);
        // A link to /dev/stdout, wherever stdout goes.
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out.pb");
        std::os::unix::fs::symlink("/dev/stdout", &out).unwrap();
        assert_eq!(classify(&out), Target::Direct);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_stay_symlinks() {
        let d = tempfile::tempdir().unwrap();
        let real = d.path().join("real.pb");
        let link = d.path().join("link.pb");
        fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
        // A link to /dev/null is written through, and stays.
        let null = d.path().join("null.pb");
        std::os::unix::fs::symlink("/dev/null", &null).unwrap();
        write_atomic(&null, b"gone").unwrap();
        assert!(fs::symlink_metadata(&null)
            .unwrap()
            .file_type()
            .is_symlink());
        // A dangling link creates its target, as open() would.
        let dangling = d.path().join("dangling.pb");
        std::os::unix::fs::symlink(d.path().join("target.pb"), &dangling).unwrap();
        write_atomic(&dangling, b"t").unwrap();
        assert!(fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(d.path().join("target.pb")).unwrap(), b"t");
    }

    #[cfg(unix)]
    #[test]
    fn named_pipes_are_written_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("pipe");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("mkfifo unavailable: skipped");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).unwrap())
        };
        write_atomic(&fifo, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(names(d.path()), ["pipe"]);
    }
}
