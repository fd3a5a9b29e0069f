//! Server-rendered pages (maud). One layout, small partials, one module per
//! page family. Text from definitions and residents is always escaped by
//! maud; only our own generated markup would ever go through `PreEscaped`.

pub mod audit;
pub mod builder;
pub mod channels;
pub mod editor;
pub mod errors;
pub mod layout;
pub mod officer;
pub mod public;
pub mod report;
pub mod resident;
pub mod results;
pub mod retention;
pub mod statements;
pub mod weighting;

pub use layout::{FieldError, Layout, SummaryItem, Viewer, page};
