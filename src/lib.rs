//! civic-survey: accessible public-opinion surveys for Community Safety
//! Partnerships, with live results and exports.

pub mod catalogue;
pub mod charts;
pub mod config;
pub mod csrf;
pub mod db;
pub mod domain;
pub mod error;
pub mod export;
pub mod fields;
pub mod paths;
pub mod priority;
pub mod proxies;
pub mod report;
pub mod retention;
pub mod seed;
pub mod startup;
pub mod stats;
pub mod synthetic;
pub mod telemetry;
pub mod views;
pub mod web;
