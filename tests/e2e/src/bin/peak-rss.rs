//! `peak-rss OUT PROGRAM [ARGS…]`: runs PROGRAM with this process's stdio and environment,
//! writes `<peak resident KiB> <exit code>` to OUT, and exits with PROGRAM's code.
//!
//! The tests measure `connector-host`'s peak memory through this small process rather than
//! directly: a child spawned straight from a large, multi-threaded test process inherits that
//! process's resident size into its own `ru_maxrss` (spawning shares the parent's memory until
//! `exec`). Spawned from here, the figure is the program's own.

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(out), Some(program)) = (args.next(), args.next()) else {
        eprintln!("usage: peak-rss OUT PROGRAM [ARGS...]");
        return ExitCode::from(125);
    };
    let child = match Command::new(&program).args(args).spawn() {
        Ok(child) => child,
        Err(e) => {
            eprintln!("peak-rss: cannot run {}: {e}", program.to_string_lossy());
            return ExitCode::from(125);
        }
    };
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: FFI on our own child's pid with pointers to live locals; `child` is never waited
    // on through std afterwards.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::wait4(pid, &mut status, 0, &mut usage) } != pid {
        eprintln!("peak-rss: wait4: {}", std::io::Error::last_os_error());
        return ExitCode::from(125);
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    if let Err(e) = std::fs::write(&out, format!("{} {code}\n", usage.ru_maxrss)) {
        eprintln!("peak-rss: cannot write {}: {e}", out.to_string_lossy());
        return ExitCode::from(125);
    }
    ExitCode::from(code as u8)
}
