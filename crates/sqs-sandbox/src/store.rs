//! The SQLite database behind the sandbox (WAL, so a `kill -9` loses no acknowledged write),
//! kept private to the user, and what opening it settles (move tasks a stop interrupted).

use std::path::Path;

use rusqlite::Connection;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS queues (
    name TEXT PRIMARY KEY,
    fifo INTEGER NOT NULL,
    attrs TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '{}',
    permissions TEXT NOT NULL DEFAULT '{}',
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    last_purge INTEGER NOT NULL DEFAULT 0,
    seq INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS deleted_queues (
    name TEXT PRIMARY KEY,
    deleted_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    message_id TEXT NOT NULL,
    body TEXT NOT NULL,
    attrs TEXT NOT NULL,
    md5_body TEXT NOT NULL,
    md5_attrs TEXT,
    trace_header TEXT,
    sent_at INTEGER NOT NULL,
    visible_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    first_receive INTEGER,
    receipt TEXT,
    group_id TEXT,
    dedup_id TEXT,
    seq TEXT,
    dlq_source TEXT,
    size INTEGER NOT NULL
);
-- Receive scans a queue in send order (rowid); wake-ups look for the next visible_at; expiry by time.
CREATE INDEX IF NOT EXISTS messages_in_order ON messages(queue);
CREATE INDEX IF NOT EXISTS messages_by_visibility ON messages(queue, visible_at);
CREATE INDEX IF NOT EXISTS messages_by_expiry ON messages(queue, expires_at);
CREATE TABLE IF NOT EXISTS dedup (
    queue TEXT NOT NULL,
    scope TEXT NOT NULL,
    dedup_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    seq TEXT,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (queue, scope, dedup_id)
);
CREATE TABLE IF NOT EXISTS move_tasks (
    handle TEXT PRIMARY KEY,
    source_arn TEXT NOT NULL,
    destination_arn TEXT,
    rate INTEGER,
    status TEXT NOT NULL,
    moved INTEGER NOT NULL DEFAULT 0,
    to_move INTEGER NOT NULL,
    started INTEGER NOT NULL,
    failure TEXT
);
"#;

/// Opens (and creates) the database: a file under `dir`, or in memory. The directory is kept
/// 0700 and the database files 0600 (SQLite gives its `-wal` and `-shm` files the database's
/// mode), since queues may hold anything a program sends.
pub fn open(dir: Option<&Path>) -> rusqlite::Result<Connection> {
    let conn = match dir {
        Some(d) => {
            let file = d.join("sandbox.sqlite3");
            private_files(d, &file).map_err(|e| {
                rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                    Some(format!("cannot prepare {}: {e}", d.display())),
                )
            })?;
            let c = Connection::open(file)?;
            c.pragma_update(None, "journal_mode", "WAL")?;
            // NORMAL + WAL survives a process crash (kill -9); only an OS crash may lose the tail.
            c.pragma_update(None, "synchronous", "NORMAL")?;
            c
        }
        None => Connection::open_in_memory()?,
    };
    c_setup(&conn)?;
    conn.set_prepared_statement_cache_capacity(64);
    settle_interrupted_tasks(&conn)?;
    Ok(conn)
}

/// Creates the directory 0700 and the database file 0600, and tightens ones an older version
/// left with the default modes.
fn private_files(dir: &Path, file: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(file)?;
        for f in [
            file.to_path_buf(),
            wal_file(file, "-wal"),
            wal_file(file, "-shm"),
        ] {
            if f.exists() {
                std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)?;
        let _ = file;
    }
    Ok(())
}

#[cfg(unix)]
fn wal_file(file: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

/// A move task that was running when the sandbox stopped did not finish: say so, rather than
/// leave it "running" forever (its messages stay wherever it had got to).
fn settle_interrupted_tasks(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE move_tasks SET status = 'FAILED', failure = 'The sandbox stopped while this task was running. The messages it had not moved are still in the dead-letter queue: start the redrive again to move them.' WHERE status = 'RUNNING'",
        [],
    )?;
    conn.execute(
        "UPDATE move_tasks SET status = 'CANCELLED' WHERE status = 'CANCELLING'",
        [],
    )?;
    Ok(())
}

fn c_setup(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    conn.execute_batch(SCHEMA)
}

/// Runs SQL through the connection's prepared-statement cache: parsing each statement again on
/// every request was a fifth of the sandbox's CPU time (perf, batches of sends).
pub trait CachedSql {
    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;
    fn row<T, P: rusqlite::Params, F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>>(
        &self,
        sql: &str,
        params: P,
        f: F,
    ) -> rusqlite::Result<T>;
}

impl CachedSql for Connection {
    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn row<T, P: rusqlite::Params, F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>>(
        &self,
        sql: &str,
        params: P,
        f: F,
    ) -> rusqlite::Result<T> {
        self.prepare_cached(sql)?.query_row(params, f)
    }
}
