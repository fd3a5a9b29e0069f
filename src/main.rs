//! Wiring only: parse the command line, read settings, build, run.

use std::process::ExitCode;

use civic_survey::catalogue::load_definitions;
use civic_survey::config::Settings;
use civic_survey::startup::Application;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    version,
    about = "Accessible community safety surveys with live results"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service (also what runs with no command): migrate the
    /// database, publish the survey definitions, serve.
    Serve,
    /// Check the survey definition files and exit.
    CheckSurveys,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,actix_server=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::CheckSurveys => check_surveys(&settings),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let database = settings.database_url.describe();
        let app = Application::build(settings).await?;
        println!("civic-survey is running at {}", app.url());
        println!("  data: {database}");
        println!("  press Ctrl+C to stop");
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn check_surveys(settings: &Settings) -> anyhow::Result<()> {
    for def in load_definitions(&settings.surveys_dir)? {
        println!(
            "{}: {} ({} questions) is valid",
            def.slug(),
            def.title(),
            def.questions().len()
        );
    }
    Ok(())
}
