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
    persist(tmp, path, &name)?;
    sync_dir(dir)
}

/// Renames the finished temporary file over `path`. On Windows a rename over a file another
/// program has open is refused (an editor, a virus scanner or the search indexer holds it for a
/// moment): it is tried again for about a second, then refused with a sentence that says so
/// (Windows says "access denied" for a read-only file too, so the sentence names both).
/// Either way the temporary file is gone when this returns with an error.
fn persist(mut tmp: tempfile::NamedTempFile, path: &Path, name: &str) -> std::io::Result<()> {
    let mut wait = std::time::Duration::from_millis(10);
    for _ in 0..8 {
        match tmp.persist(path) {
            Ok(_) => return Ok(()),
            Err(e) if held_open(&e.error) => {
                tmp = e.file;
                std::thread::sleep(wait);
                wait = (wait * 2).min(std::time::Duration::from_millis(250));
            }
            Err(e) => return Err(e.error),
        }
    }
    match tmp.persist(path) {
        Ok(_) => Ok(()),
        Err(e) if held_open(&e.error) => Err(std::io::Error::new(
            e.error.kind(),
            format!(
                "{name} could not be replaced: another program may have it open (an editor or a virus scanner), or it is read-only. Close that program or clear the file's read-only mark, and try again"
            ),
        )),
        Err(e) => Err(e.error),
    }
}

/// Whether a rename failed because another handle has the target open (Windows only: access
/// denied, a sharing or a lock violation). On Unix a rename never fails for that.
fn held_open(e: &std::io::Error) -> bool {
    cfg!(windows) && matches!(e.raw_os_error(), Some(5 | 32 | 33))
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
/// Told by the error's kind, not its number: the numbers differ between platforms (Windows says
/// a full disk with 112 or 39; its 28 is "out of paper").
pub fn describe(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::StorageFull => "the disk is full: free some space and try again".into(),
        std::io::ErrorKind::PermissionDenied if e.raw_os_error().is_some() => {
            format!("permission denied ({e})")
        }
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

    /// Windows: a rename over a file that another handle has open is refused while the handle
    /// lives (Wine and Windows alike); one that is let go within a moment is waited for.
    #[cfg(windows)]
    #[test]
    fn windows_waits_for_a_reader_that_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("settings.json");
        replace(&f, |w| w.write_all(b"old")).unwrap();
        let reader = std::fs::File::open(&f).unwrap();
        let letting_go = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(150));
            drop(reader);
        });
        replace(&f, |w| w.write_all(b"new")).unwrap();
        letting_go.join().unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// Windows: a program that keeps the file open without sharing it (an editor, a virus
    /// scanner) makes the replacement fail after about a second: the error names the file and
    /// what to do, the old file is kept whole and no temporary file is left beside it.
    #[cfg(windows)]
    #[test]
    fn windows_keeps_the_old_file_when_another_program_holds_it() {
        use std::os::windows::fs::OpenOptionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("settings.json");
        replace(&f, |w| w.write_all(b"old")).unwrap();
        const FILE_SHARE_READ: u32 = 1;
        let holder = std::fs::OpenOptions::new()
            .read(true)
            .share_mode(FILE_SHARE_READ)
            .open(&f)
            .unwrap();
        let e = replace(&f, |w| w.write_all(b"new")).unwrap_err();
        drop(holder);
        let said = describe(&e);
        assert!(
            said.contains("settings.json could not be replaced: another program may have it open"),
            "{said}"
        );
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_full_disk_is_said_in_words() {
        // ENOSPC on Unix, ERROR_DISK_FULL on Windows.
        let e = std::io::Error::from_raw_os_error(if cfg!(windows) { 112 } else { 28 });
        assert!(describe(&e).contains("disk is full"));
    }
}
