//! `credence-admin`: the operator's commands (see `credence_api::admin_cli`). Exit status 0
//! when done, 2 when the input was refused (the message names the field), 1 otherwise.

use credence_api::{
    admin_cli::{execute, parse_args},
    settings::Settings,
};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match parse_args(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    match execute(command, &settings).await {
        Ok(out) => print!("{out}"),
        Err((status, message)) => {
            eprintln!("{message}");
            std::process::exit(status);
        }
    }
}
