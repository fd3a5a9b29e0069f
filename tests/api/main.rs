//! Black-box tests: each spawns the real application on port 0 with a fresh
//! database and talks to it over HTTP, as a browser would. Every test body
//! runs on SQLite, and on PostgreSQL when CIVIC_TEST_POSTGRES_URL is set.

mod helpers;

mod architecture;
mod audit;
mod backup;
mod bad_input;
mod builder;
mod cells;
mod channels;
mod comparison;
mod definitions;
mod deployment;
mod editor;
mod exports;
mod hostile;
mod next_wave;
mod officers;
mod preview;
mod public;
mod question_kinds;
mod resident_flow;
mod results;
mod retention;
mod statements;
mod storage;
mod survey_state;
mod themes;
mod upload;
mod versions;
mod waves;
mod weighting;
