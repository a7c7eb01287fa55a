use std::process::ExitCode;

fn main() -> ExitCode {
    if let Err(e) = color_eyre::install() {
        eprintln!("ftpconf: cannot install the error handler: {e}");
    }
    ftpconf::cli::main()
}
