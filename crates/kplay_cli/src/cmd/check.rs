//! `kplay check`: validate manifests.

use kplay_core::report::report;
use kplay_core::{analyze, ColumnEncoding};

use super::{ColorChoice, Common};
use crate::exit;
use crate::output::{self, Format};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print the objects as the API server would store them (defaults applied) as YAML, instead
    /// of the diagnostics.
    #[arg(long)]
    pub show_defaulted: bool,
}

pub fn run(args: &Args) -> u8 {
    let (files, opts) = match args.common.load() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let analysis = analyze(&files, &opts);
    if args.show_defaulted {
        let mut out = String::new();
        for o in analysis.objects.iter().filter(|o| o.is_accepted()) {
            out.push_str("---\n");
            out.push_str(&kplay_core::yaml::emit::to_yaml(&o.stored));
        }
        crate::print_out(&out);
        return if analysis.has_errors() { exit::ERRORS } else { exit::OK };
    }
    let text = match args.format {
        Format::Human => output::human::render(&files, &analysis, crate::want_color(args.color)),
        Format::Json => {
            let r = report(&files, &analysis, ColumnEncoding::Chars);
            match serde_json::to_string_pretty(&r) {
                Ok(s) => s + "\n",
                Err(e) => {
                    eprintln!("error: cannot write JSON: {e}");
                    return exit::INTERNAL;
                }
            }
        }
        Format::Sarif => match output::sarif::render(&report(&files, &analysis, ColumnEncoding::Chars)) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("error: {e}");
                return exit::INTERNAL;
            }
        },
        Format::Github => output::github::render(&report(&files, &analysis, ColumnEncoding::Chars)),
        Format::Junit => match output::junit::render(&files, &analysis, &report(&files, &analysis, ColumnEncoding::Chars)) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("error: {e}");
                return exit::INTERNAL;
            }
        },
    };
    crate::print_out(&text);
    if analysis.has_errors() {
        exit::ERRORS
    } else {
        exit::OK
    }
}
