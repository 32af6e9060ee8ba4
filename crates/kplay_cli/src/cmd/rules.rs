//! `kplay rules [NAME]`: lists the rules, or prints one rule's documentation.

use crate::exit;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// A rule name: print its documentation.
    pub name: Option<String>,
}

pub fn run(args: &Args) -> u8 {
    let all = kplay_core::rules::all();
    if let Some(name) = &args.name {
        let Some(r) = kplay_core::rules::find(name) else {
            let hint = kplay_core::suppress::closest_rule(name).map(|c| format!(" (did you mean `{c}`?)")).unwrap_or_default();
            eprintln!("error: `{name}` is not a kplay rule{hint}");
            return exit::USAGE;
        };
        crate::print_out(&format!(
            "# {}\n\n{}\n\nseverity: {}  stage: {}  spec: {}\n\n{}",
            r.name,
            r.summary,
            r.severity.as_str(),
            r.stage.as_str(),
            if r.spec.is_empty() { "-".to_string() } else { r.spec.join(", ") },
            r.docs
        ));
        return exit::OK;
    }
    let width = all.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in &all {
        out.push_str(&format!("{:width$}  {:7}  {:10}  {}\n", r.name, r.severity.as_str(), r.stage.as_str(), r.summary));
    }
    crate::print_out(&out);
    exit::OK
}
