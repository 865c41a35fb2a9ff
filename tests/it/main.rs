//! Integration tests, by feature, around the fixture projects in `tests/fixtures/`.

mod common;

mod build_output;
mod bundle;
mod cli;
mod diagnostics;
mod epub;
mod fonts;
mod fuzz;
mod languages;
mod links;
mod output_folder;
mod pdf;
mod po;
mod po_import;
mod po_other_tools;
mod rebuild;
mod safety;
mod search;
mod serve;
mod start;
mod translation;
mod validators;
