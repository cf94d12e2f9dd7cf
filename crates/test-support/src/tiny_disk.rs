//! A tiny tmpfs for disk-full fault tests: mounted on a fresh directory (root only), filled on
//! demand with a filler file, freed by deleting it, unmounted on drop. Where it cannot be
//! mounted the test is skipped with the reason printed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct TinyDisk {
    dir: tempfile::TempDir,
}

impl TinyDisk {
    /// Mounts a tmpfs of `kib` KiB, or fails the test saying why (it needs root: the tests that
    /// use it are `#[ignore]`d, and the test command runs them when it is root).
    pub fn mount(kib: u32) -> TinyDisk {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={kib}k,mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .output()
            .unwrap_or_else(|e| panic!("`mount` could not run: {e}"));
        assert!(
            out.status.success(),
            "a tmpfs could not be mounted (this test needs root): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        TinyDisk { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn filler(&self) -> PathBuf {
        self.dir.path().join("filler")
    }

    /// Writes a filler file until the disk is full.
    pub fn fill(&self) {
        let mut f = std::fs::File::create(self.filler()).expect("filler file");
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
    }

    /// Deletes the filler file: the disk has room again.
    pub fn free(&self) {
        std::fs::remove_file(self.filler()).expect("delete the filler");
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}
