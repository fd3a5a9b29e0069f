//! Wiring only: parse the command line, read settings, build, run.

use anyhow::Context as _;
use std::process::ExitCode;

use civic_survey::catalogue::{Catalogue, load_definitions};
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
    /// Manage officer accounts.
    #[command(subcommand)]
    Officer(OfficerCommand),
    /// Fill the 2019 survey with synthetic responses that reproduce every
    /// figure the 2019 strategy published.
    Seed {
        /// The survey to fill: the shipped csp-2019, or another wave of it
        /// that keeps its question and option ids.
        survey: String,
        /// Another seed gives other (equally faithful) responses.
        #[arg(long, default_value_t = 2019)]
        seed: u64,
        /// Add the responses even if the survey already has some.
        #[arg(long)]
        force: bool,
    },
    /// Copy the whole database into a new FILE while the service runs:
    /// SQLite's VACUUM INTO, or pg_dump's custom format on PostgreSQL.
    Backup {
        /// The backup to write; it must not exist yet.
        file: std::path::PathBuf,
    },
    /// Delete what each survey's retention periods say is due, as the
    /// service's scheduled job does; with --dry-run, only say what it would
    /// delete and when.
    Purge {
        /// Say what is held and when it falls due; delete nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Replace the database with a backup. Stop every instance first.
    Restore {
        /// A file written by `civic-survey backup`.
        file: std::path::PathBuf,
        /// Replace a database that already holds tables.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum OfficerCommand {
    /// Add an officer; the password is read from standard input.
    Add {
        email: String,
        #[arg(long, value_parser = ["admin", "editor", "analyst"], default_value = "analyst")]
        role: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,actix_server=warn".into());
    if settings.json_logs {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::CheckSurveys => check_surveys(&settings),
        Command::Officer(OfficerCommand::Add { email, role }) => {
            add_officer(&settings, &email, &role)
        }
        Command::Seed {
            survey,
            seed: number,
            force,
        } => seed(&settings, &survey, number, force),
        Command::Backup { file } => backup(&settings, &file),
        Command::Purge { dry_run } => purge(&settings, dry_run),
        Command::Restore { file, force } => restore(&settings, &file, force),
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
        let no_contact = settings.contact_email.is_none();
        let app = Application::build(settings).await?;
        println!("civic-survey is running at {}", app.url());
        println!("  data: {database}");
        if no_contact {
            println!(
                "  the privacy notices and accessibility statement give no contact address: set CONTACT_EMAIL"
            );
        }
        match app.setup_url() {
            Some(link) => {
                println!("  no administrator yet: create the first one at");
                println!("    {link}");
                println!(
                    "  (the link works once; or run: civic-survey officer add EMAIL --role admin)"
                );
            }
            None => println!("  officers sign in at {}officers/sign-in", app.url()),
        }
        println!("  press Ctrl+C to stop");
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn add_officer(settings: &Settings, email: &str, role: &str) -> anyhow::Result<()> {
    use std::io::{BufRead, IsTerminal};

    use civic_survey::db::{self, officers};
    use civic_survey::domain::officer::{Email, NewPassword, Role};

    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    let role = Role::parse(role).map_err(anyhow::Error::msg)?;
    if std::io::stdin().is_terminal() {
        eprintln!(
            "Password for {} (at least 12 characters), then Enter:",
            email.as_str()
        );
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password =
        NewPassword::parse(line.trim_end_matches(['\r', '\n'])).map_err(anyhow::Error::msg)?;
    let hash = password.hash().map_err(anyhow::Error::msg)?;
    let pool = db::connect(&settings.database_url, 1)?;
    let mut conn = db::get(&pool)?;
    if officers::insert_officer(&mut conn, &email, &hash, role, None)?
        == officers::NewOfficer::EmailTaken
    {
        anyhow::bail!(
            "an officer with the email address {} already exists",
            email.as_str()
        );
    }
    println!("Added {} as {}.", email.as_str(), role.as_str());
    Ok(())
}

fn seed(settings: &Settings, slug: &str, seed: u64, force: bool) -> anyhow::Result<()> {
    use civic_survey::db::{self, responses, surveys};

    let definition = load_definitions(&settings.surveys_dir)?
        .into_iter()
        .find(|d| d.slug().as_str() == slug)
        .ok_or_else(|| anyhow::anyhow!("no survey definition has the slug {slug:?}"))?;
    // The plan is the 2019 data set's: it fills csp-2019, or another wave of
    // it that keeps its question and option ids.
    let pool = db::connect(&settings.database_url, 1)?;
    let mut conn = db::get(&pool)?;
    let published = surveys::publish(&mut conn, &definition)?;
    let existing = responses::count_completed(&mut conn, published.survey)?;
    if existing > 0 && !force {
        anyhow::bail!(
            "{slug} already has {existing} responses; add --force to add the 2019 responses as well"
        );
    }
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {pos}/{len} responses ({per_sec}, {eta} left)",
        )?
        .progress_chars("=> "),
    );
    bar.set_message(format!("Seeding {slug}"));
    let stored = civic_survey::seed::seed_2019(
        &mut conn,
        published.survey,
        published.version_id,
        &definition,
        seed,
        |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    )
    .with_context(|| {
        format!("seed fills csp-2019, or a wave of it that asks its questions (by id); {slug} cannot take the 2019 responses")
    })?;
    bar.finish();
    println!("Stored {stored} responses in {slug} (seed {seed}).");
    Ok(())
}

/// A spinner on standard error while `work` runs, so a long copy is seen
/// to be working.
fn with_spinner<T>(message: String, work: impl FnOnce() -> T) -> T {
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message(message);
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let outcome = work();
    spinner.finish_and_clear();
    outcome
}

fn backup(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let database = settings.database_url.describe();
    let contents = with_spinner(format!("Backing up {database}"), || {
        civic_survey::db::backup::backup(&settings.database_url, file)
    })?;
    println!("Backed up {database} to {}: {contents}.", file.display());
    Ok(())
}

fn restore(settings: &Settings, file: &std::path::Path, force: bool) -> anyhow::Result<()> {
    let database = settings.database_url.describe();
    let contents = with_spinner(
        format!("Restoring {} into {database}", file.display()),
        || civic_survey::db::backup::restore(&settings.database_url, file, force),
    )?;
    println!("Restored {} into {database}: {contents}.", file.display());
    Ok(())
}

fn purge(settings: &Settings, dry_run: bool) -> anyhow::Result<()> {
    use civic_survey::db;

    let pool = db::connect(&settings.database_url, 1)?;
    let mut conn = db::get(&pool)?;
    // The surveys as published, with their open or closed state: nothing
    // is published from the definition files here.
    let catalogue = Catalogue::publish(&mut conn, Vec::new(), None)?;
    let now = chrono::Utc::now();
    let plans = civic_survey::retention::plan(&mut conn, &catalogue, now)?;
    print!("{}", civic_survey::retention::describe(&plans));
    if dry_run {
        println!("Dry run: nothing was deleted.");
        return Ok(());
    }
    let purged = with_spinner("Deleting what is due".to_owned(), || {
        civic_survey::retention::run(&mut conn, &catalogue, now, "the command line")
    })?;
    println!(
        "Deleted {} free-text answers and {} responses.",
        purged.free_texts, purged.responses
    );
    Ok(())
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
