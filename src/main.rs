use clap::Parser;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: rendering makes many small,
/// short-lived allocations (template values), and glibc's malloc took about
/// a fifth of a build's time (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = podsmith::cli::Cli::parse();
    match cli.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // An error without diagnostics was printed where it happened.
            if !error.diagnostics.is_empty() {
                eprintln!("{error}");
            }
            ExitCode::FAILURE
        }
    }
}
