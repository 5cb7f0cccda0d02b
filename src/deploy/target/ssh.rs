//! `ssh://` targets: a web server's folder reached over ssh, written with
//! the system's `rsync` (`--checksum`, `--delay-updates`: each batch's files
//! appear together at its end). ssh uses the user's agent, keys and
//! `~/.ssh/config`; `PODSMITH_SSH_COMMAND` replaces the `ssh` command (as
//! `GIT_SSH_COMMAND` does for git), e.g. to name a key.

use super::super::plan::{LocalFile, MANIFEST_FILE};
use super::Target;
use crate::error::{Diagnostic, Error, Result};
use indicatif::ProgressBar;
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// A folder on a server.
pub struct SshTarget {
    user: Option<String>,
    host: String,
    port: Option<u16>,
    /// Absolute, ends with `/`.
    path: String,
    /// One ssh connection the deploy's commands share (`None` until the
    /// first command, or when it could not be made: then each command
    /// connects on its own).
    master: Option<Master>,
    tried_master: bool,
}

/// An ssh connection in master mode (`ssh -M`), started by the deploy and
/// stopped when it ends, so that its many short commands share one login
/// instead of each making its own. Its remote command reads our end of a
/// pipe, so however podsmith ends (even killed), the pipe closes and the
/// connection ends with it.
struct Master {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    socket: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Master {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `text` quoted for a POSIX shell (the remote side of ssh runs one).
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// An error for a tool that did not run or failed.
fn tool_error(tool: &str, target: &str, what: &str, detail: &str) -> Error {
    Diagnostic::error(
        None,
        format!("{target}: could not {what} ({tool}: {})", detail.trim()),
    )
    .help("check that ssh reaches the server with your agent or keys (try `ssh` by hand), and that rsync is installed on both machines; the next deploy finishes what is missing")
    .into()
}

impl SshTarget {
    pub fn new(user: Option<String>, host: String, port: Option<u16>, path: String) -> SshTarget {
        SshTarget {
            user,
            host,
            port,
            path,
            master: None,
            tried_master: false,
        }
    }

    /// Starts the shared connection, once; without it, commands connect
    /// on their own.
    fn start_master(&mut self) {
        if self.tried_master {
            return;
        }
        self.tried_master = true;
        let Ok(dir) = tempfile::Builder::new().prefix("podsmith-ssh-").tempdir() else {
            return;
        };
        let socket = dir.path().join("c");
        // Unix sockets' paths are short (about 100 bytes).
        if socket.as_os_str().len() > 90 {
            return;
        }
        let words = self.ssh_words();
        let child = Command::new(&words[0])
            .args(&words[1..])
            .args(["-M", "-o", "ControlPersist=no", "-S"])
            .arg(&socket)
            .arg("--")
            .arg(self.login())
            .arg("cat >/dev/null")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(mut child) = child else {
            return;
        };
        let stdin = child.stdin.take();
        let mut master = Master {
            child,
            stdin,
            socket,
            _dir: dir,
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        while !master.socket.exists() {
            let exited = matches!(master.child.try_wait(), Ok(Some(_)) | Err(_));
            if exited || std::time::Instant::now() > deadline {
                return; // dropped: stopped, and commands connect on their own
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        self.master = Some(master);
    }

    /// `user@host` or `host`.
    fn login(&self) -> String {
        match &self.user {
            Some(user) => format!("{user}@{}", self.host),
            None => self.host.clone(),
        }
    }

    /// The ssh command and its options, as words.
    fn ssh_words(&self) -> Vec<String> {
        let mut words: Vec<String> = std::env::var("PODSMITH_SSH_COMMAND")
            .ok()
            .filter(|c| !c.trim().is_empty())
            .map(|c| c.split_whitespace().map(String::from).collect())
            .unwrap_or_else(|| vec!["ssh".into()]);
        words.extend(["-o".into(), "BatchMode=yes".into()]);
        if let Some(port) = self.port {
            words.extend(["-p".into(), port.to_string()]);
        }
        if let Some(master) = &self.master {
            words.extend(["-o".into(), "ControlMaster=no".into(), "-S".into()]);
            words.push(master.socket.to_string_lossy().into_owned());
        }
        words
    }

    /// Runs `command` on the server through a shell.
    fn remote(&self, command: &str, stdin: Option<&[u8]>) -> std::io::Result<std::process::Output> {
        let words = self.ssh_words();
        let mut child = Command::new(&words[0])
            .args(&words[1..])
            .arg("--")
            .arg(self.login())
            .arg(command)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(bytes)?;
        }
        child.wait_with_output()
    }

    /// The `-e` value rsync runs ssh with.
    fn rsync_shell(&self) -> String {
        self.ssh_words()
            .iter()
            .map(|w| shell_quote(w))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Target for SshTarget {
    fn describe(&self) -> String {
        match self.port {
            Some(port) => format!("ssh://{}:{port}{}", self.login(), self.path),
            None => format!("ssh://{}{}", self.login(), self.path),
        }
    }

    fn read_manifest(&mut self) -> Result<Option<Vec<u8>>> {
        self.start_master();
        let file = shell_quote(&format!("{}{MANIFEST_FILE}", self.path));
        let out = self
            .remote(&format!("if [ -f {file} ]; then cat {file}; fi"), None)
            .map_err(|e| tool_error("ssh", &self.describe(), "reach the server", &e.to_string()))?;
        if !out.status.success() {
            return Err(tool_error(
                "ssh",
                &self.describe(),
                "read the deploy manifest",
                &String::from_utf8_lossy(&out.stderr),
            ));
        }
        Ok(Some(out.stdout).filter(|b| !b.is_empty()))
    }

    fn write_manifest(&mut self, bytes: &[u8]) -> Result<()> {
        let dir = shell_quote(&self.path);
        let file = shell_quote(&format!("{}{MANIFEST_FILE}", self.path));
        let temp = shell_quote(&format!("{}{MANIFEST_FILE}.tmp", self.path));
        let command = format!("mkdir -p {dir} && cat > {temp} && mv -f {temp} {file}");
        let out = self
            .remote(&command, Some(bytes))
            .map_err(|e| tool_error("ssh", &self.describe(), "reach the server", &e.to_string()))?;
        if !out.status.success() {
            return Err(tool_error(
                "ssh",
                &self.describe(),
                "write the deploy manifest",
                &String::from_utf8_lossy(&out.stderr),
            ));
        }
        Ok(())
    }

    fn upload(&mut self, out: &Path, files: &[&LocalFile], progress: &ProgressBar) -> Result<()> {
        if files.is_empty() {
            return Ok(());
        }
        let mut list = tempfile::NamedTempFile::new()
            .map_err(|e| Error::io(&std::env::temp_dir(), "create a file in", e))?;
        for f in files {
            list.write_all(f.rel.as_bytes())
                .and_then(|()| list.write_all(b"\0"))
                .map_err(|e| Error::io(list.path(), "write", e))?;
        }
        let sizes: HashMap<&str, u64> = files.iter().map(|f| (f.rel.as_str(), f.size)).collect();
        let mut child = Command::new("rsync")
            .args([
                "--recursive",
                "--links",
                "--times",
                "--checksum",
                "--delay-updates",
                "--from0",
                "--chmod=D755,F644",
                "--mkpath",
                "--out-format=%n",
            ])
            .arg(format!("--files-from={}", list.path().display()))
            .arg("-e")
            .arg(self.rsync_shell())
            .arg(format!("{}/", out.display()))
            .arg(format!("{}:{}", self.login(), self.path))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| tool_error("rsync", &self.describe(), "start rsync", &e.to_string()))?;
        if let Some(stdout) = child.stdout.take() {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(|l| l.ok())
            {
                if let Some(size) = sizes.get(line.trim_end()) {
                    progress.inc(*size);
                }
            }
        }
        let output = child
            .wait_with_output()
            .map_err(|e| tool_error("rsync", &self.describe(), "upload", &e.to_string()))?;
        if !output.status.success() {
            return Err(tool_error(
                "rsync",
                &self.describe(),
                "upload",
                &String::from_utf8_lossy(&output.stderr),
            ));
        }
        Ok(())
    }

    fn delete(&mut self, rels: &[String]) -> Result<()> {
        for chunk in rels.chunks(200) {
            let paths: Vec<String> = chunk
                .iter()
                .map(|rel| shell_quote(&format!("{}{rel}", self.path)))
                .collect();
            // Folders left empty go too (up to the site's folder, which
            // keeps the manifest).
            let dirs: std::collections::BTreeSet<String> = chunk
                .iter()
                .filter_map(|rel| rel.rsplit_once('/').map(|(dir, _)| dir))
                .map(|dir| shell_quote(&format!("{}{dir}", self.path)))
                .collect();
            let mut command = format!("rm -f -- {}", paths.join(" "));
            if !dirs.is_empty() {
                let dirs: Vec<String> = dirs.into_iter().collect();
                command.push_str(&format!(
                    " && {{ rmdir -p --ignore-fail-on-non-empty -- {} 2>/dev/null || true; }}",
                    dirs.join(" ")
                ));
            }
            let out = self.remote(&command, None).map_err(|e| {
                tool_error("ssh", &self.describe(), "reach the server", &e.to_string())
            })?;
            if !out.status.success() {
                return Err(tool_error(
                    "ssh",
                    &self.describe(),
                    "delete old files",
                    &String::from_utf8_lossy(&out.stderr),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_for_the_shell() {
        assert_eq!(super::shell_quote("a b"), "'a b'");
        assert_eq!(super::shell_quote("it's"), "'it'\\''s'");
    }
}
