use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = podsmith::cli::Cli::parse();
    match cli.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
