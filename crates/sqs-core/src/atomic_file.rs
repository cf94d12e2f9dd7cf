//! The one way the app replaces a file: a new temporary file beside it (0600, a fresh name, so
//! a leftover from a crash is never reused with its old mode), fsync, rename over the old one,
//! fsync of the directory. A crash or a full disk leaves the old file or the new one, never
//! half of either. The app's own directories are created 0700.

use std::io::{BufWriter, Write};
use std::path::Path;

/// Creates `dir` (and its parents) and makes it readable by the user only.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

/// Replaces `path` with what `fill` writes. The file is readable by the user only.
pub fn replace(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // tempfile creates with O_EXCL and mode 0600 on Unix.
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    {
        let mut w = BufWriter::new(tmp.as_file_mut());
        fill(&mut w)?;
        w.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Makes a rename in `dir` durable (on Unix a directory can be fsynced; elsewhere the rename is
/// already as durable as the platform makes it).
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// An I/O error in words a user acts on ("the disk is full" rather than "os error 28").
pub fn describe(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(28) => "the disk is full: free some space and try again".into(),
        Some(13) | Some(1) => format!("permission denied ({e})"),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_files_private_to_the_user() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        private_dir(&sub).unwrap();
        let f = sub.join("x.json");
        replace(&f, |w| w.write_all(b"one")).unwrap();
        replace(&f, |w| w.write_all(b"two")).unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "two");
        // A failed fill leaves the old file as it was and no temporary file behind.
        let e = replace(&f, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("stopped"))
        });
        assert!(e.is_err());
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "two");
        assert_eq!(std::fs::read_dir(&sub).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&sub), 0o700);
            assert_eq!(mode(&f), 0o600);
        }
    }

    #[test]
    fn a_full_disk_is_said_in_words() {
        let e = std::io::Error::from_raw_os_error(28);
        assert!(describe(&e).contains("disk is full"));
    }
}
