//! Errors and warnings that reach the user: each names its file (and line and
//! column where known) and says what to do about it.

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Stops the build; `check` exits non-zero.
    Error,
    /// Printed, but the build goes on.
    Warning,
}

/// One problem, located in a file where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: Option<PathBuf>,
    /// 1-based line and column in `file`.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// What the user should do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error about `file`.
    pub fn error(file: impl Into<Option<PathBuf>>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            help: None,
        }
    }

    /// A warning about `file`.
    pub fn warning(file: impl Into<Option<PathBuf>>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    /// Sets the 1-based line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Adds advice on how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this stops a build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Shows a path the way the user typed it, without a leading `./`; a path
/// made only of `.` and `..` (say `--out .`) is shown absolute, since "." or
/// nothing at all would name no folder in a message.
pub fn display_path(path: &Path) -> String {
    let shown = path.strip_prefix(".").unwrap_or(path);
    let only_dots = shown
        .components()
        .all(|c| matches!(c, Component::CurDir | Component::ParentDir));
    if only_dots {
        if let Ok(absolute) = path.canonicalize().or_else(|_| std::path::absolute(path)) {
            return absolute.display().to_string();
        }
        if shown.as_os_str().is_empty() {
            return ".".to_string();
        }
    }
    shown.display().to_string()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: ")?;
        if let Some(file) = &self.file {
            write!(f, "{}", display_path(file))?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(help) = &self.help {
            for (i, line) in help.lines().enumerate() {
                let lead = if i == 0 { "help: " } else { "      " };
                write!(f, "\n  {lead}{line}")?;
            }
        }
        Ok(())
    }
}

/// A failure: one or more error diagnostics (a build lists every problem it
/// found, not just the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub diagnostics: Vec<Diagnostic>,
}

impl Error {
    /// An error about `file`, with advice.
    pub fn new(file: impl Into<Option<PathBuf>>, message: impl Into<String>) -> Self {
        Diagnostic::error(file, message).into()
    }

    /// An I/O failure on `path`, as a sentence that names it:
    /// `Error::io(path, "create the folder", err)` says
    /// `cannot create the folder PATH: ERR`. `action` is what failed, a
    /// verb whose object is the path ("read", "write the tagged file").
    pub fn io(path: &Path, action: &str, err: std::io::Error) -> Self {
        let shown = display_path(path);
        let what = match action {
            // Actions whose object does not simply follow them.
            "move aside" => format!("move {shown} aside"),
            "resolve" => format!("find the absolute path of {shown}"),
            "clear" => format!("empty the folder {shown}"),
            "reuse" => format!("reuse the folder {shown}"),
            _ => format!("{action} {shown}"),
        };
        let mut diagnostic = Diagnostic::error(None, format!("cannot {what}: {err}"));
        use std::io::ErrorKind;
        let help = match err.kind() {
            ErrorKind::PermissionDenied => Some(format!(
                "check the permissions of {shown} and of the folders above it"
            )),
            ErrorKind::AlreadyExists | ErrorKind::NotADirectory => Some(
                "a file is in the way where a folder is needed (or the other way round); move it, or choose another path"
                    .to_string(),
            ),
            ErrorKind::StorageFull => Some("free some disk space, then try again".to_string()),
            _ => None,
        };
        if let Some(help) = help {
            diagnostic = diagnostic.help(help);
        }
        diagnostic.into()
    }

    /// A failure whose diagnostics were already printed (`check` prints
    /// its errors among its warnings): it carries none, so that nothing is
    /// printed twice.
    pub fn reported() -> Self {
        Error {
            diagnostics: Vec::new(),
        }
    }

    /// Merges many errors into one.
    pub fn many(errors: impl IntoIterator<Item = Error>) -> Self {
        Error {
            diagnostics: errors.into_iter().flat_map(|e| e.diagnostics).collect(),
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error {
            diagnostics: vec![d],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Turns a byte offset into a 1-based (line, column), counting columns in characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    // Bytes, not chars: this runs for every front matter text that may
    // need a line number, and a byte count is many times faster.
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before
        .bytes()
        .rposition(|b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Suggests the known name closest to `wrong`, when one is close enough.
pub fn nearest<'a>(wrong: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(wrong, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = "a\nbé\nc";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 2), (2, 1));
        assert_eq!(line_col(text, 5), (2, 3));
        assert_eq!(line_col(text, 999), (3, 2));
    }

    #[test]
    fn nearest_finds_typos() {
        let known = ["supporters", "summary", "season"];
        assert_eq!(nearest("supporter", &known), Some("supporters"));
        assert_eq!(nearest("zzzzzz", &known), None);
    }

    #[test]
    fn dot_paths_are_shown_absolute() {
        let here = std::env::current_dir().unwrap().canonicalize().unwrap();
        assert_eq!(display_path(Path::new(".")), here.display().to_string());
        assert_eq!(display_path(Path::new("./")), here.display().to_string());
        let parent = here.parent().unwrap_or(&here).display().to_string();
        assert_eq!(display_path(Path::new("..")), parent);
        assert_eq!(display_path(Path::new("./content/a.md")), "content/a.md");
        assert_eq!(display_path(Path::new("../x")), "../x");
    }

    #[test]
    fn io_errors_are_sentences_naming_the_path() {
        let denied = || std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let e = Error::io(Path::new("/x/y"), "create the folder", denied());
        let text = e.to_string();
        assert!(
            text.starts_with("error: cannot create the folder /x/y: permission denied"),
            "{text}"
        );
        assert!(
            text.contains("help: check the permissions of /x/y"),
            "{text}"
        );
        let e = Error::io(Path::new("./public"), "move aside", denied());
        assert!(
            e.to_string()
                .starts_with("error: cannot move public aside: "),
            "{e}"
        );
        let e = Error::io(Path::new("a.mp3"), "read", std::io::ErrorKind::Other.into());
        assert_eq!(e.to_string(), "error: cannot read a.mp3: other error");
    }

    #[test]
    fn diagnostic_display_names_file_line_and_help() {
        let d = Diagnostic::error(PathBuf::from("./content/a.md"), "bad")
            .at(3, 7)
            .help("fix it");
        assert_eq!(
            d.to_string(),
            "error: content/a.md:3:7: bad\n  help: fix it"
        );
    }
}
