//! A throwaway PostgreSQL server for tests and benchmarks: `initdb` into a temporary
//! directory, `pg_ctl start` on a free loopback port with trust authentication, `pg_ctl stop`
//! and the directory removed on drop.
//!
//! The server binaries are looked up in `$PG_BIN`, then on `PATH`, then in
//! `/usr/lib/postgresql/<version>/bin` (Debian's layout; the newest version wins). PostgreSQL
//! refuses to run as root: when the tests run as root, the server runs as the `postgres` user
//! if there is one, else as `nobody`, and the directory is handed to that user.
//!
//! ```no_run
//! let pg = temp_postgres::TempPostgres::start().unwrap();
//! let url = pg.create_database("example").unwrap();
//! let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
//! client.batch_execute("SELECT 1").unwrap();
//! ```

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The superuser the server is initialised with.
pub const USER: &str = "connector";

/// A running throwaway server; stopped and deleted on drop.
pub struct TempPostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    run_as: Option<(u32, u32)>,
}

fn has_initdb(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()
}

/// Where `initdb` and `pg_ctl` are, or a message saying how to get them.
pub fn find_bin() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("PG_BIN") {
        let dir = PathBuf::from(dir);
        return if has_initdb(&dir) {
            Ok(dir)
        } else {
            Err(format!("PG_BIN={} has no initdb and pg_ctl", dir.display()))
        };
    }
    if let Some(path) = std::env::var_os("PATH") {
        if let Some(dir) = std::env::split_paths(&path).find(|d| has_initdb(d)) {
            return Ok(dir);
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            has_initdb(&bin).then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or_else(|| {
        "PostgreSQL's initdb and pg_ctl were not found (PG_BIN, PATH, /usr/lib/postgresql/*/bin): \
         install the Debian package `postgresql` (`.ci/run` does)"
            .to_string()
    })
}

/// The uid and gid of `name` from `/etc/passwd`.
fn user_ids(name: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        (f.len() > 3 && f[0] == name).then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))?
    })
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

impl TempPostgres {
    /// Initialises and starts a server.
    pub fn start() -> Result<TempPostgres, String> {
        let bin = find_bin()?;
        // SAFETY: getuid has no preconditions.
        let root = unsafe { libc::getuid() } == 0;
        let run_as = if root {
            Some(user_ids("postgres").or_else(|| user_ids("nobody")).ok_or(
                "running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL",
            )?)
        } else {
            None
        };
        let dir = tempfile::Builder::new()
            .prefix("temp-postgres-")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid))
                .map_err(|e| format!("cannot hand {} to uid {uid}: {e}", dir.path().display()))?;
        }
        let mut pg = TempPostgres {
            dir,
            bin,
            port: 0,
            run_as,
        };
        let data = pg.data_dir();
        pg.run(
            "initdb",
            &[
                "-D",
                data.to_str().ok_or("non-UTF-8 temporary path")?,
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )?;
        // A port taken between choosing and binding makes the start fail: try a few.
        let mut last = String::new();
        for _ in 0..5 {
            pg.port = free_port()?;
            let options = format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1",
                pg.port,
                pg.dir.path().display()
            );
            match pg.run(
                "pg_ctl",
                &[
                    "-D",
                    data.to_str().unwrap_or_default(),
                    "-l",
                    pg.dir
                        .path()
                        .join("server.log")
                        .to_str()
                        .unwrap_or_default(),
                    "-o",
                    &options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
            ) {
                Ok(_) => return Ok(pg),
                Err(e) => last = e,
            }
        }
        Err(format!("{last}\n{}", pg.log()))
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<Output, String> {
        let mut cmd = Command::new(self.bin.join(program));
        cmd.args(args).current_dir(self.dir.path());
        if let Some((uid, gid)) = self.run_as {
            cmd.uid(uid).gid(gid);
        }
        let out = cmd
            .output()
            .map_err(|e| format!("cannot run {program}: {e}"))?;
        if out.status.success() {
            Ok(out)
        } else {
            Err(format!(
                "{program} failed ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// The port the server listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL of database `db`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{db}", self.port)
    }

    /// Creates database `name` (letters, digits and `_`) and returns its URL.
    pub fn create_database(&self, name: &str) -> Result<String, String> {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("`{name}` is not a plain database name"));
        }
        let mut client = postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
            .map_err(|e| format!("cannot connect to the temporary server: {e}"))?;
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .map_err(|e| format!("cannot create database {name}: {e}"))?;
        Ok(self.url(name))
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let data = self.data_dir();
        let _ = self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap_or_default(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_creates_a_database_and_answers() {
        let pg = TempPostgres::start().unwrap();
        let url = pg.create_database("t1").unwrap();
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let row = c.query_one("SELECT current_database()", &[]).unwrap();
        assert_eq!(row.get::<_, String>(0), "t1");
        assert!(pg.create_database("no; drop").is_err());
    }
}
