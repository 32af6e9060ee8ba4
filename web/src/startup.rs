//! What the page opens with: a share link in the fragment (`#s=<compressed JSON>`) first, then
//! the autosaved workspace, then the default example. Whatever cannot be read falls back to the
//! example with a notice saying why.

use crate::persist::Saved;

/// The prefix of share-link fragments.
pub const SHARE_PREFIX: &str = "#s=";
/// The longest share fragment read (compressed), in characters.
pub const MAX_FRAGMENT_CHARS: usize = 1024 * 1024;

/// The outcome of reading the page's inputs.
#[derive(Debug, PartialEq)]
pub enum Start {
    Saved(Saved, Option<String>),
    /// A share link's files, and the autosaved work they replace (when readable and other).
    Link(Saved, Option<Saved>),
    Default(Option<String>),
}

/// Decides from the fragment and the stored JSON; `decompress` undoes the share compression.
pub fn decide(hash: &str, stored: Option<&str>, decompress: impl Fn(&str) -> Option<String>) -> Start {
    let mut notice = None;
    if let Some(data) = hash.strip_prefix(SHARE_PREFIX) {
        if data.len() > MAX_FRAGMENT_CHARS {
            notice = Some(format!("The share link is longer than {MAX_FRAGMENT_CHARS} characters and was not opened."));
        } else {
            match decompress(data).map(|json| Saved::from_json(&json)) {
                Some(Ok(saved)) => {
                    let replaced = stored.and_then(|json| Saved::from_json(json).ok()).filter(|mine| mine.files != saved.files);
                    return Start::Link(saved, replaced);
                }
                Some(Err(e)) => notice = Some(format!("The share link could not be opened: {e}.")),
                None => notice = Some("The share link is damaged (it does not decompress) and was not opened.".to_owned()),
            }
        }
    }
    // A bad link must not cost the autosaved work: open that, with the link's notice.
    if let Some(json) = stored {
        match Saved::from_json(json) {
            Ok(saved) => return Start::Saved(saved, notice),
            Err(e) => {
                let also = format!("Your autosaved work could not be read ({e}); the example is shown instead.");
                notice = Some(notice.map_or(also.clone(), |n| format!("{n} {also}")));
            }
        }
    }
    Start::Default(notice)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::SavedFile;

    fn saved() -> Saved {
        Saved { v: 1, files: vec![SavedFile { name: "a.yaml".into(), text: "kind: Pod\n".into() }], active: 0, cluster: None }
    }

    /// A stand-in compression: identity, with "!" as corrupt data.
    fn ident(s: &str) -> Option<String> {
        (s != "!").then(|| s.to_owned())
    }

    #[test]
    fn share_link_wins_over_storage_and_names_the_work_it_replaces() {
        let json = saved().to_json();
        assert_eq!(decide(&format!("#s={json}"), Some("{}"), ident), Start::Link(saved(), None));
        assert_eq!(decide(&format!("#s={json}"), Some(&json), ident), Start::Link(saved(), None));
        let mut mine = saved();
        mine.files[0].text = "kind: Service\n".into();
        assert_eq!(decide(&format!("#s={json}"), Some(&mine.to_json()), ident), Start::Link(saved(), Some(mine)));
    }

    #[test]
    fn storage_is_used_without_a_link() {
        let json = saved().to_json();
        assert_eq!(decide("", Some(&json), ident), Start::Saved(saved(), None));
        assert_eq!(decide("#rule=x", Some(&json), ident), Start::Saved(saved(), None));
        assert_eq!(decide("", None, ident), Start::Default(None));
    }

    #[test]
    fn corrupt_inputs_fall_back_with_a_notice() {
        let Start::Default(Some(n)) = decide("#s=!", None, ident) else { panic!("damaged link") };
        assert!(n.contains("damaged"), "{n}");
        let Start::Default(Some(n)) = decide("#s={\"v\":1}", None, ident) else { panic!("bad json") };
        assert!(n.contains("could not be opened"), "{n}");
        let long = format!("#s={}", "A".repeat(MAX_FRAGMENT_CHARS + 1));
        let Start::Default(Some(n)) = decide(&long, None, ident) else { panic!("long link") };
        assert!(n.contains("longer"), "{n}");
        let Start::Default(Some(n)) = decide("", Some("garbage"), ident) else { panic!("bad storage") };
        assert!(n.contains("autosaved"), "{n}");
        // A damaged link keeps the autosaved work.
        let Start::Saved(s, Some(n)) = decide("#s=!", Some(&saved().to_json()), ident) else { panic!("kept work") };
        assert_eq!(s, saved());
        assert!(n.contains("damaged"), "{n}");
    }
}
