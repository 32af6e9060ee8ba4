//! The playground's saved form: the files and the open tab as JSON, read back with limits so a
//! corrupt or oversized share link or localStorage entry falls back to the default example with
//! a notice instead of breaking the page. The compression of share links lives in the editor
//! bundle (lz-string); this module only sees plain text.

use serde::{Deserialize, Serialize};

/// The most text a saved workspace may hold (all files together), in bytes.
pub const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;
/// The most files a saved workspace may hold.
pub const MAX_FILES: usize = 32;
/// The longest file name accepted.
pub const MAX_NAME_CHARS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFile {
    pub name: String,
    pub text: String,
}

/// What is written to localStorage and into share links (`{"v":1,"files":[..],"active":0}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub v: u32,
    pub files: Vec<SavedFile>,
    pub active: usize,
}

impl Saved {
    pub fn to_json(&self) -> String {
        // Serialising plain strings and numbers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parses and checks a saved workspace; `Err` says why it cannot be used.
    pub fn from_json(json: &str) -> Result<Self, String> {
        if json.len() > MAX_TEXT_BYTES * 2 {
            return Err(format!("it is larger than {} MiB", MAX_TEXT_BYTES * 2 / (1024 * 1024)));
        }
        let saved: Saved = serde_json::from_str(json).map_err(|e| format!("it is not a saved workspace ({e})"))?;
        if saved.v != 1 {
            return Err(format!("it has format version {}, this page reads version 1", saved.v));
        }
        if saved.files.is_empty() || saved.files.len() > MAX_FILES {
            return Err(format!("it holds {} files (1 to {MAX_FILES} allowed)", saved.files.len()));
        }
        let total: usize = saved.files.iter().map(|f| f.text.len()).sum();
        if total > MAX_TEXT_BYTES {
            return Err(format!("its files hold {total} bytes, more than the {MAX_TEXT_BYTES} allowed"));
        }
        for (i, f) in saved.files.iter().enumerate() {
            check_name(&f.name)?;
            if saved.files[..i].iter().any(|o| o.name == f.name) {
                return Err(format!("it holds two files named `{}`", f.name));
            }
        }
        if saved.active >= saved.files.len() {
            return Err("its open tab does not exist".into());
        }
        Ok(saved)
    }
}

/// A file name the tabs accept: not empty, no path separators or control characters.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("a file name is empty".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("a file name is longer than {MAX_NAME_CHARS} characters"));
    }
    if name.chars().any(|c| c.is_control() || c == '/' || c == '\\') {
        return Err(format!("the file name `{}` holds a slash or a control character", name.escape_debug()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(files: &[(&str, &str)], active: usize) -> Saved {
        Saved { v: 1, files: files.iter().map(|(n, t)| SavedFile { name: (*n).into(), text: (*t).into() }).collect(), active }
    }

    #[test]
    fn round_trips() {
        let s = saved(&[("a.yaml", "kind: Service\n"), ("b.yaml", "<script>alert(1)</script>\n")], 1);
        assert_eq!(Saved::from_json(&s.to_json()), Ok(s));
    }

    #[test]
    fn rejects_corrupt_and_oversized_input() {
        let cases = [
            ("", "not a saved workspace"),
            ("{", "not a saved workspace"),
            ("[1,2]", "not a saved workspace"),
            (r#"{"v":2,"files":[{"name":"a","text":""}],"active":0}"#, "version 2"),
            (r#"{"v":1,"files":[],"active":0}"#, "0 files"),
            (r#"{"v":1,"files":[{"name":"a","text":""}],"active":3}"#, "open tab"),
            (r#"{"v":1,"files":[{"name":"a","text":""},{"name":"a","text":""}],"active":0}"#, "two files named"),
            (r#"{"v":1,"files":[{"name":"../x","text":""}],"active":0}"#, "slash"),
            (r#"{"v":1,"files":[{"name":" ","text":""}],"active":0}"#, "empty"),
        ];
        for (json, why) in cases {
            let err = Saved::from_json(json).expect_err(json);
            assert!(err.contains(why), "{json}: {err}");
        }
        let big = saved(&[("a", &"x".repeat(MAX_TEXT_BYTES + 1))], 0).to_json();
        assert!(Saved::from_json(&big).expect_err("too big").contains("bytes"));
        let many: Vec<(String, &str)> = (0..=MAX_FILES).map(|i| (format!("f{i}"), "")).collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(n, t)| (n.as_str(), *t)).collect();
        assert!(Saved::from_json(&saved(&many, 0).to_json()).is_err());
    }
}
