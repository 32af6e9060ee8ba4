//! The playground's one application state: the edited files, the open tab, the cluster
//! options, the analysis of the files and the simulated cluster, changed only through
//! [`Action`]s so every view recomputes from the same data.
//!
//! An edit only stores the text and bumps [`AppState::revision`]: the reducer does no analysis
//! on a keystroke. The diagnostics come back from the analysis worker (web/src/worker.rs) as
//! [`Action::Rows`]; the full analysis and simulated cluster the views draw (the "model") is
//! rebuilt on the main thread by [`Action::Refresh`] only when a view needs it (see
//! [`Panel::needs_model`]), after typing pauses. Without a worker (embeds in sandboxed frames)
//! `Refresh` follows every edit, as the whole analysis did before.

use std::rc::Rc;

use kplay_core::cluster::{Cluster, Overrides, PodOverride, ProxyMode, ScaleOverride};
use kplay_core::report::report;
use kplay_core::{analyze_and_simulate, Analysis, ColumnEncoding, Options, Severity, SourceFile};
use serde::{Deserialize, Serialize};
use yew::Reducible;

use crate::examples::{self, Example};
use crate::persist::{check_name, Saved, SavedCluster, SavedFile, MAX_NODES, MAX_OVERRIDES};

/// One line of the diagnostics list, with positions already converted for the browser. The
/// analysis worker sends these as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosticRow {
    pub severity: Severity,
    pub rule: String,
    /// Index of the file in [`AppState::files`].
    pub file: usize,
    pub file_name: String,
    /// 1-based line of the primary span's start.
    pub line: u32,
    /// 1-based column in UTF-16 code units, as browser editors count them.
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub files: Rc<[SourceFile]>,
    /// The open tab (always a valid index).
    pub active: usize,
    pub options: Rc<Options>,
    /// Bumped on every change of the files or the options.
    pub revision: u64,
    /// The analysis of the files as they were at `model_revision` (the model).
    pub analysis: Rc<Analysis>,
    /// The cluster after applying the accepted objects (`options.cluster` shapes it), at
    /// `model_revision`.
    pub cluster: Rc<Cluster>,
    /// The rows of `analysis`, in its diagnostics' order (for views that pair the two).
    pub model_rows: Rc<[DiagnosticRow]>,
    /// The revision `analysis` and `cluster` were built from; behind `revision` while stale.
    pub model_revision: u64,
    /// The newest diagnostics known (from the worker or the model), for the editor and lists.
    pub rows: Rc<[DiagnosticRow]>,
    /// The revision `rows` belong to.
    pub rows_revision: u64,
    /// A message for the user (a share link that could not be read, a refused file name).
    pub notice: Option<Rc<str>>,
    /// Bumped when the files are replaced wholesale (example, share link), so the editor reloads.
    pub generation: u32,
    pub panel: Panel,
    /// The rule whose documentation the Docs view shows.
    pub rule: Option<Rc<str>>,
    /// The map box clicked last (`svc/NS/NAME`, `pod/NS/NAME`, ...); a Service also picks the
    /// chains the kube-proxy view highlights.
    pub selected: Option<Rc<str>>,
    /// The user's files an example, Reset, a share link or a file's removal replaced: the
    /// notice offers them back, and the autosave keeps them stored until the new files are
    /// changed.
    pub undo: Option<Undo>,
}

/// What [`Action::Restore`] brings back.
#[derive(Debug, Clone, PartialEq)]
pub struct Undo {
    pub saved: Rc<Saved>,
    /// The revision the replacement made; while the state is still at it, nothing of the new
    /// files is the user's, and the autosave leaves the stored work alone.
    pub revision: u64,
}

/// The right-hand views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Map,
    Problems,
    Objects,
    Traffic,
    Trace,
    Proxy,
    Dns,
    Rules,
}

/// The most replicas the page's scale control asks for.
pub const MAX_SCALE: i64 = 100;

/// A change of the simulated cluster (not of the manifests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterChange {
    NodeCount(usize),
    ProxyMode(ProxyMode),
    /// Force a pod's Ready condition or mark it terminating; `None` leaves the manifest's say.
    Pod {
        namespace: String,
        name: String,
        ready: Option<bool>,
        terminating: Option<bool>,
    },
    /// Mark a node down (or up again).
    NodeDown(String, bool),
    /// `kubectl scale`: a workload's replicas (`None` goes back to the manifest's count).
    Scale {
        namespace: String,
        kind: String,
        name: String,
        replicas: Option<i64>,
    },
    /// Drop every toggle.
    ClearOverrides,
}

pub enum Action {
    /// The editor reports an edit of file `name` made while `generation` was current (a late
    /// report from before an example was loaded is dropped).
    Edit {
        generation: u32,
        name: String,
        text: String,
    },
    /// Show a right-hand view; `Rules` with a rule name opens its page.
    Show(Panel, Option<String>),
    /// Open another tab.
    Select(usize),
    /// Add an empty file with a fresh name and open it.
    AddFile,
    /// Rename a file; refused names leave a notice.
    Rename(usize, String),
    /// Remove a file (the last one cannot be removed); a file with text in it is offered back.
    Remove(usize),
    /// Replace everything with a gallery example.
    LoadExample(&'static Example),
    /// Bring back the files an example, Reset, a share link or a removal replaced
    /// ([`AppState::undo`]).
    Restore,
    Notice(Option<String>),
    /// Select a map box (or nothing).
    SelectBox(Option<String>),
    Cluster(ClusterChange),
    /// The analysis worker's diagnostics for `revision` (dropped when the files moved on).
    Rows {
        revision: u64,
        rows: Vec<DiagnosticRow>,
    },
    /// Build the model (analysis, cluster, rows) of the current files on this thread.
    Refresh,
}

impl Panel {
    /// Whether the view draws the analysis or the simulated cluster (not only the rows).
    pub fn needs_model(self) -> bool {
        !matches!(self, Panel::Problems | Panel::Rules)
    }
}

impl AppState {
    /// A state with its model built now (page load, examples).
    pub fn new(files: Vec<SourceFile>, active: usize, options: Options) -> Self {
        let files: Rc<[SourceFile]> = files.into();
        let (analysis, cluster) = analyze_and_simulate(&files, &options);
        let rows: Rc<[DiagnosticRow]> = rows(&files, &analysis).into();
        let active = active.min(files.len().saturating_sub(1));
        Self {
            files,
            active,
            options: Rc::new(options),
            revision: 0,
            analysis: Rc::new(analysis),
            cluster: Rc::new(cluster),
            model_rows: rows.clone(),
            model_revision: 0,
            rows,
            rows_revision: 0,
            notice: None,
            generation: 0,
            panel: Panel::Problems,
            rule: None,
            selected: None,
            undo: None,
        }
    }

    pub fn from_example(e: &Example) -> Self {
        Self::new(e.files.iter().map(|(n, t)| SourceFile::new(*n, *t)).collect(), 0, Options::default())
    }

    pub fn from_saved(s: &Saved) -> Self {
        let mut options = Options::default();
        if let Some(c) = &s.cluster {
            options.cluster = c.apply(&options.cluster);
        }
        Self::new(s.files.iter().map(|f| SourceFile::new(f.name.as_str(), f.text.as_str())).collect(), s.active, options)
    }

    /// The undo a wholesale replacement of these files needs: none when they are an example's,
    /// unedited (nothing of the user's would be lost).
    pub fn undo_of(saved: Saved, revision: u64) -> Option<Undo> {
        (!examples::is_pristine(&saved.files)).then(|| Undo { saved: Rc::new(saved), revision })
    }

    /// Whether the files are as an example, Reset, a share link or a file's removal left them,
    /// over work of the user's that the autosave must not overwrite yet.
    pub fn keeps_stored_work(&self) -> bool {
        self.undo.as_ref().is_some_and(|u| u.revision == self.revision)
    }

    pub fn to_saved(&self) -> Saved {
        let cluster = SavedCluster::from(&self.options.cluster);
        Saved {
            v: 1,
            files: self.files.iter().map(|f| SavedFile { name: f.name.clone(), text: f.text.clone() }).collect(),
            active: self.active,
            cluster: (cluster != SavedCluster::default()).then_some(cluster),
        }
    }

    /// The text of the open file.
    pub fn text(&self) -> &str {
        self.files.get(self.active).map_or("", |f| f.text.as_str())
    }

    pub fn active_name(&self) -> &str {
        self.files.get(self.active).map_or("", |f| f.name.as_str())
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.rows.iter().filter(|r| r.severity == severity).count()
    }

    /// Whether the views' model is behind the files and options.
    pub fn stale(&self) -> bool {
        self.model_revision != self.revision
    }

    /// Whether the rows are behind the files and options.
    pub fn rows_stale(&self) -> bool {
        self.rows_revision != self.revision
    }

    /// A copy with other files, to be analysed (a new revision).
    fn with_files(&self, files: Vec<SourceFile>, active: usize) -> Self {
        self.changed(files, active, (*self.options).clone())
    }

    /// A copy with other files or options, keeping what the user looks at; the model and the
    /// rows stay as they were until [`Action::Rows`] or [`Action::Refresh`] catch up.
    fn changed(&self, files: Vec<SourceFile>, active: usize, options: Options) -> Self {
        let mut next = self.clone();
        next.active = active.min(files.len().saturating_sub(1));
        next.files = files.into();
        next.options = Rc::new(options);
        next.revision = self.revision + 1;
        next
    }

    /// A copy whose model (and rows) are built from the current files and options.
    fn refreshed(&self) -> Self {
        let built = Self::new(self.files.to_vec(), self.active, (*self.options).clone());
        let mut next = self.clone();
        next.analysis = built.analysis;
        next.cluster = built.cluster;
        next.model_rows = built.model_rows;
        next.model_revision = self.revision;
        next.rows = built.rows;
        next.rows_revision = self.revision;
        next
    }

    /// The state a worker job describes: the files and cluster settings of this revision.
    pub fn to_job(&self) -> crate::worker::Job {
        crate::worker::Job { revision: self.revision, saved: self.to_saved() }
    }

    /// A copy with the cluster changed; `None` when the change is refused or changes nothing.
    fn with_cluster(&self, change: ClusterChange) -> Result<Option<Self>, String> {
        let mut options = (*self.options).clone();
        let c = &mut options.cluster;
        match change {
            ClusterChange::NodeCount(n) => {
                if n == 0 || n > MAX_NODES {
                    return Err(format!("The cluster has 1 to {MAX_NODES} nodes."));
                }
                c.node_count = n;
            }
            ClusterChange::ProxyMode(m) => c.proxy_mode = m,
            ClusterChange::Pod { namespace, name, ready, terminating } => set_pod(&mut c.overrides, &namespace, &name, ready, terminating),
            ClusterChange::NodeDown(node, down) => {
                c.overrides.nodes_down.retain(|n| *n != node);
                if down {
                    c.overrides.nodes_down.push(node);
                }
            }
            ClusterChange::Scale { namespace, kind, name, replicas } => {
                if replicas.is_some_and(|r| !(0..=MAX_SCALE).contains(&r)) {
                    return Err(format!("Replicas from 0 to {MAX_SCALE}."));
                }
                let same = |s: &ScaleOverride| s.kind == kind && s.name == name && s.namespace.as_deref().unwrap_or("default") == namespace;
                c.overrides.scale.retain(|s| !same(s));
                if let Some(replicas) = replicas {
                    c.overrides.scale.push(ScaleOverride { namespace: Some(namespace), kind, name, replicas });
                }
            }
            ClusterChange::ClearOverrides => c.overrides = Overrides::default(),
        }
        let o = &c.overrides;
        if o.pods.len() + o.nodes_down.len() + o.scale.len() > MAX_OVERRIDES {
            return Err(format!("At most {MAX_OVERRIDES} cluster toggles."));
        }
        if options.cluster == self.options.cluster {
            return Ok(None);
        }
        Ok(Some(self.changed(self.files.to_vec(), self.active, options)))
    }

    /// The toggle of pod `namespace/name`, if any.
    pub fn pod_override(&self, namespace: &str, name: &str) -> Option<&PodOverride> {
        self.options.cluster.overrides.pods.iter().find(|p| p.name == name && p.namespace.as_deref().unwrap_or("default") == namespace)
    }

    /// `next`, files replaced wholesale, as the state after this one: the editor reloads (a new
    /// generation), the view stays, and revisions only grow, so a late worker reply about the
    /// old files cannot match.
    fn succeeded_by(&self, mut next: Self) -> Self {
        next.generation = self.generation + 1;
        next.panel = self.panel;
        next.revision = self.revision + 1;
        next.model_revision = next.revision;
        next.rows_revision = next.revision;
        next
    }

    fn with_notice(&self, notice: Option<String>) -> Self {
        let mut next = self.clone();
        next.notice = notice.map(Rc::from);
        next
    }

    fn fresh_name(&self) -> String {
        (1..=crate::persist::MAX_FILES + 1)
            .map(|i| format!("file{i}.yaml"))
            .find(|n| self.files.iter().all(|f| &f.name != n))
            .unwrap_or_default()
    }
}

/// States are compared by identity of their parts: every edit builds a new analysis, and
/// comparing whole analyses on each render would be waste.
impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis)
            && Rc::ptr_eq(&self.rows, &other.rows)
            && Rc::ptr_eq(&self.files, &other.files)
            && self.revision == other.revision
            && Rc::ptr_eq(&self.options, &other.options)
            && self.active == other.active
            && self.notice == other.notice
            && self.generation == other.generation
            && self.panel == other.panel
            && self.rule == other.rule
            && self.selected == other.selected
            && self.undo == other.undo
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::from_example(&examples::GALLERY[0])
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Edit { generation, name, text } => {
                if generation != self.generation {
                    return self;
                }
                let Some(i) = self.files.iter().position(|f| f.name == name) else { return self };
                if self.files[i].text == text {
                    return self;
                }
                let mut files = self.files.to_vec();
                files[i] = SourceFile::new(name, text);
                Rc::new(self.with_files(files, self.active))
            }
            Action::Show(panel, rule) => {
                // A view that draws the cluster opens on the current files, not on the model
                // as it was before the last edits (nobody is typing while switching views).
                let mut next = if panel.needs_model() && self.stale() { self.refreshed() } else { (*self).clone() };
                next.panel = panel;
                if rule.is_some() {
                    next.rule = rule.map(Rc::from);
                }
                Rc::new(next)
            }
            Action::Select(i) => {
                if i >= self.files.len() || i == self.active {
                    return self;
                }
                let mut next = (*self).clone();
                next.active = i;
                Rc::new(next)
            }
            Action::AddFile => {
                if self.files.len() >= crate::persist::MAX_FILES {
                    return Rc::new(self.with_notice(Some(format!("At most {} files.", crate::persist::MAX_FILES))));
                }
                let mut files = self.files.to_vec();
                files.push(SourceFile::new(self.fresh_name(), ""));
                let active = files.len() - 1;
                Rc::new(self.with_files(files, active))
            }
            Action::Rename(i, name) => {
                let name = name.trim().to_owned();
                let Some(old) = self.files.get(i) else { return self };
                if old.name == name {
                    return self;
                }
                if let Err(e) = check_name(&name) {
                    return Rc::new(self.with_notice(Some(format!("Not renamed: {e}."))));
                }
                if self.files.iter().any(|f| f.name == name) {
                    return Rc::new(self.with_notice(Some(format!("Not renamed: a file named `{name}` exists."))));
                }
                let mut files = self.files.to_vec();
                files[i] = SourceFile::new(name, old.text.as_str());
                Rc::new(self.with_files(files, self.active))
            }
            Action::Remove(i) => {
                if self.files.len() <= 1 || i >= self.files.len() {
                    return self;
                }
                let mut files = self.files.to_vec();
                let removed = files.remove(i);
                let active = if self.active > i || self.active == files.len() { self.active.saturating_sub(1) } else { self.active };
                let mut next = self.with_files(files, active);
                // An empty file takes nothing with it. Otherwise the files as they were are
                // offered back like an example's replacement, and stay stored until changed:
                // even an unedited example's file, which its gallery entry would bring back
                // only with every other file of the example.
                if !removed.text.is_empty() {
                    next.undo = Some(Undo { saved: Rc::new(self.to_saved()), revision: next.revision });
                    next.notice = Some(Rc::from(format!("Removed {}.", removed.name)));
                }
                Rc::new(next)
            }
            Action::LoadExample(e) => {
                // The node count and the mode stay; toggles name the old example's pods.
                let mut options = Options::default();
                options.cluster.node_count = self.options.cluster.node_count;
                options.cluster.proxy_mode = self.options.cluster.proxy_mode;
                let mut next = self.succeeded_by(Self::new(e.files.iter().map(|(n, t)| SourceFile::new(*n, *t)).collect(), 0, options));
                next.undo = Self::undo_of(self.to_saved(), next.revision);
                if next.undo.is_some() {
                    next.notice = Some(Rc::from(format!(
                        "The example “{}” replaced your files; they stay saved in this browser until you change it.",
                        e.title
                    )));
                }
                Rc::new(next)
            }
            Action::Restore => {
                let Some(undo) = &self.undo else { return self };
                Rc::new(self.succeeded_by(Self::from_saved(&undo.saved)))
            }
            // Dismissing the notice also lets go of the files it offered back.
            Action::Notice(None) => Rc::new(Self { undo: None, ..self.with_notice(None) }),
            Action::Notice(n) => Rc::new(self.with_notice(n)),
            Action::SelectBox(id) => {
                let id: Option<Rc<str>> = id.map(Rc::from);
                if id == self.selected {
                    return self;
                }
                let mut next = (*self).clone();
                next.selected = id;
                Rc::new(next)
            }
            Action::Cluster(change) => match self.with_cluster(change) {
                Ok(Some(next)) => Rc::new(next),
                Ok(None) => self,
                Err(e) => Rc::new(self.with_notice(Some(e))),
            },
            Action::Rows { revision, rows } => {
                if revision != self.revision || !self.rows_stale() {
                    return self;
                }
                let mut next = (*self).clone();
                next.rows = rows.into();
                next.rows_revision = revision;
                Rc::new(next)
            }
            Action::Refresh => {
                if !self.stale() {
                    return self;
                }
                Rc::new(self.refreshed())
            }
        }
    }
}

/// Sets (or with both `None`, removes) the toggle of pod `namespace/name`.
pub fn set_pod(o: &mut Overrides, namespace: &str, name: &str, ready: Option<bool>, terminating: Option<bool>) {
    o.pods.retain(|p| !(p.name == name && p.namespace.as_deref().unwrap_or("default") == namespace));
    if ready.is_some() || terminating.is_some() {
        o.pods.push(PodOverride { namespace: Some(namespace.to_owned()), name: name.to_owned(), ready, terminating });
    }
}

/// Converts the analysis' diagnostics to list rows (UTF-16 columns), keeping the analysis' order.
pub fn rows(files: &[SourceFile], analysis: &Analysis) -> Vec<DiagnosticRow> {
    let r = report(files, analysis, ColumnEncoding::Utf16);
    analysis
        .diagnostics
        .iter()
        .zip(r.diagnostics)
        .map(|(d, rd)| DiagnosticRow {
            severity: rd.severity,
            rule: rd.rule.to_owned(),
            file: d.primary.file,
            file_name: rd.file,
            line: rd.range.start.line,
            column: rd.range.start.column,
            end_line: rd.range.end.line,
            end_column: rd.range.end.column,
            message: rd.message,
            help: rd.help,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The user's edit of the open file.
    fn edit(s: &AppState, text: &str) -> Action {
        Action::Edit { generation: s.generation, name: s.active_name().to_owned(), text: text.to_owned() }
    }

    /// Applies `action` and then what the page does next: rebuild the model.
    trait Apply {
        fn apply(self, action: Action) -> Rc<AppState>;
    }

    impl Apply for Rc<AppState> {
        fn apply(self, action: Action) -> Rc<AppState> {
            self.reduce(action).reduce(Action::Refresh)
        }
    }

    fn one(text: &str) -> AppState {
        AppState::new(vec![SourceFile::new("manifest.yaml", text)], 0, Options::default())
    }

    #[test]
    fn broken_yaml_gives_a_syntax_error_on_line_one() {
        let state = one("a: [");
        let row = state.rows.iter().find(|r| r.rule == "yaml-syntax").expect("a yaml-syntax row");
        assert_eq!(row.severity, Severity::Error);
        assert_eq!((row.line, row.file, row.file_name.as_str()), (1, 0, "manifest.yaml"));
        assert!(row.column >= 1);
        assert!((row.end_line, row.end_column) >= (row.line, row.column));
    }

    #[test]
    fn columns_are_counted_in_utf16_units() {
        // "é" is 2 bytes and 1 UTF-16 unit, "😀" is 4 bytes and 2 units: the error at the
        // unclosed bracket must land after 3 units, not after 6 bytes.
        let text = "é😀: [";
        let state = one(text);
        let row = state.rows.iter().find(|r| r.rule == "yaml-syntax").expect("a yaml-syntax row");
        let idx = kplay_core::LineIndex::new(text);
        let d = state.analysis.diagnostics.iter().find(|d| d.rule == "yaml-syntax").expect("diagnostic");
        let expected = idx.position(text, d.primary.span.start, ColumnEncoding::Utf16);
        assert_eq!((row.line, row.column), (expected.line, expected.column));
        let bytes = idx.position(text, d.primary.span.start, ColumnEncoding::Utf8);
        if d.primary.span.start > 2 {
            assert!(row.column < bytes.column, "UTF-16 column {} should be below the byte column {}", row.column, bytes.column);
        }
    }

    #[test]
    fn editing_replaces_the_analysis_and_same_text_keeps_it() {
        let start = Rc::new(one("a: ["));
        assert!(!start.rows.is_empty());
        let same = start.clone().apply(edit(&start, "a: ["));
        assert!(Rc::ptr_eq(&start, &same));
        let fixed = start.clone().apply(edit(&start, "a: []\n"));
        assert_eq!(fixed.text(), "a: []\n");
        assert!(fixed.rows.iter().all(|r| r.rule != "yaml-syntax"));
    }

    #[test]
    fn the_default_state_analyses_the_seed_tutorial() {
        let state = AppState::default();
        assert_eq!(state.text(), examples::SEED_TUTORIAL);
        assert_eq!(state.analysis.files.len(), 1);
        assert_eq!(state.analysis.files[0].documents, 2);
    }

    #[test]
    fn tabs_add_rename_remove() {
        let s = Rc::new(AppState::default());
        let s = s.apply(Action::AddFile);
        assert_eq!((s.files.len(), s.active, s.active_name()), (2, 1, "file1.yaml"));
        let s = s.clone().apply(edit(&s, "a: ["));
        let row = s.rows.iter().find(|r| r.rule == "yaml-syntax").expect("syntax error in the new file");
        assert_eq!((row.file, row.file_name.as_str()), (1, "file1.yaml"));
        let s = s.apply(Action::Rename(1, "svc.yaml".into()));
        assert_eq!(s.active_name(), "svc.yaml");
        let s = s.apply(Action::Rename(1, "manifest.yaml".into()));
        assert_eq!(s.active_name(), "svc.yaml");
        assert!(s.notice.as_deref().is_some_and(|n| n.contains("exists")));
        let s = s.apply(Action::Rename(1, "a/b".into()));
        assert!(s.notice.as_deref().is_some_and(|n| n.contains("slash")));
        let s = s.apply(Action::Remove(1));
        assert_eq!((s.files.len(), s.active), (1, 0));
        let s = s.apply(Action::Remove(0));
        assert_eq!(s.files.len(), 1, "the last file stays");
    }

    #[test]
    fn saved_round_trip_and_examples_bump_the_generation() {
        let s = Rc::new(AppState::default()).apply(Action::AddFile);
        let saved = s.to_saved();
        let back = AppState::from_saved(&saved);
        assert_eq!(back.to_saved(), saved);
        let e = examples::find("clusterip").expect("example");
        let g = s.generation;
        let s = s.apply(Action::LoadExample(e));
        assert_eq!((s.files.len(), s.generation), (2, g + 1));
        // A late edit from before the example was loaded is dropped; a current one applies.
        let late = s.clone().apply(Action::Edit { generation: g, name: "service.yaml".into(), text: "x: 1\n".into() });
        assert_ne!(late.files[0].text, "x: 1\n");
        let now = s.apply(Action::Edit { generation: g + 1, name: "service.yaml".into(), text: "x: 1\n".into() });
        assert_eq!(now.files[0].text, "x: 1\n");
    }

    #[test]
    fn an_example_over_the_users_files_can_be_undone_and_leaves_them_stored_until_changed() {
        // Over an unedited example: nothing to give back, nothing to say.
        let s = Rc::new(AppState::default()).apply(Action::LoadExample(examples::find("clusterip").expect("example")));
        assert!(s.undo.is_none() && s.notice.is_none() && !s.keeps_stored_work());
        // Over the user's files (two, the second open, three nodes): both offered back.
        let mine =
            s.clone().apply(edit(&s, "kind: Namespace\n")).apply(Action::Cluster(ClusterChange::NodeCount(5))).apply(Action::Select(1));
        let example = mine.clone().apply(Action::LoadExample(&examples::GALLERY[0]));
        assert_eq!(example.text(), examples::SEED_TUTORIAL);
        assert!(example.keeps_stored_work());
        assert!(example.notice.as_deref().is_some_and(|n| n.contains("replaced your files")));
        let back = example.clone().apply(Action::Restore);
        assert_eq!(back.to_saved(), mine.to_saved());
        assert!(back.generation > example.generation && back.revision > example.revision);
        assert!(back.undo.is_none() && !back.keeps_stored_work());
        // An edit of the example is the user's: the autosave writes again, the undo stays.
        let edited = example.clone().apply(edit(&example, "kind: Pod\n"));
        assert!(!edited.keeps_stored_work() && edited.undo.is_some());
        // Dismissing the notice lets the files go; Restore then does nothing.
        let dismissed = example.apply(Action::Notice(None));
        assert!(dismissed.undo.is_none() && dismissed.notice.is_none());
        assert_eq!(dismissed.clone().apply(Action::Restore).to_saved(), dismissed.to_saved());
    }

    #[test]
    fn a_removed_file_is_offered_back_and_stays_stored_until_the_files_change() {
        let s = Rc::new(AppState::default()).apply(Action::AddFile);
        // A new file nothing was typed into goes without a word.
        let gone = s.clone().apply(Action::Remove(1));
        assert_eq!(gone.files.len(), 1);
        assert!(gone.notice.is_none() && gone.undo.is_none() && !gone.keeps_stored_work());
        // One with text: offered back, and the autosave keeps the files as they were.
        let mine = s.clone().apply(edit(&s, "kind: Namespace\n")).apply(Action::Cluster(ClusterChange::NodeCount(4)));
        let removed = mine.clone().apply(Action::Remove(1));
        assert_eq!((removed.files.len(), removed.active, removed.active_name()), (1, 0, "manifest.yaml"));
        assert_eq!(removed.notice.as_deref(), Some("Removed file1.yaml."));
        assert!(removed.keeps_stored_work());
        let back = removed.clone().apply(Action::Restore);
        assert_eq!(back.to_saved(), mine.to_saved());
        assert_eq!(back.active_name(), "file1.yaml");
        assert!(back.generation > removed.generation && back.revision > removed.revision);
        assert!(back.undo.is_none() && !back.keeps_stored_work());
        // Editing on makes the removal the user's (written, still offered back); dismissing the
        // notice lets the file go.
        let edited = removed.clone().apply(edit(&removed, "kind: Pod\n"));
        assert!(!edited.keeps_stored_work() && edited.undo.is_some());
        let dismissed = removed.apply(Action::Notice(None));
        assert!(dismissed.undo.is_none() && !dismissed.keeps_stored_work());
        assert_eq!(dismissed.clone().apply(Action::Restore).to_saved(), dismissed.to_saved());
        // A file of an unedited example is offered back too (the gallery would replace all).
        let example = Rc::new(AppState::default()).apply(Action::LoadExample(examples::find("clusterip").expect("example")));
        let removed = example.clone().apply(Action::Remove(1));
        assert_eq!(removed.notice.as_deref(), Some("Removed deployment.yaml."));
        assert_eq!(removed.apply(Action::Restore).to_saved(), example.to_saved());
    }

    #[test]
    fn cluster_changes_re_analyse_and_are_saved() {
        let s = Rc::new(AppState::default()).apply(Action::LoadExample(examples::find("clusterip").expect("example")));
        let pod = s.cluster.pods.iter().find(|p| p.namespace == "default").expect("a web pod").name.clone();
        let ready = |s: &AppState| s.cluster.pods.iter().filter(|p| p.namespace == "default" && p.ready).count();
        assert_eq!(ready(&s), 3);
        let toggle = |ready| ClusterChange::Pod { namespace: "default".into(), name: pod.clone(), ready, terminating: None };
        let s = s.apply(Action::Cluster(toggle(Some(false))));
        assert_eq!(ready(&s), 2);
        assert_eq!(s.pod_override("default", &pod).and_then(|o| o.ready), Some(false));
        let s = s.apply(Action::Cluster(ClusterChange::NodeCount(5)));
        let s = s.apply(Action::Cluster(ClusterChange::ProxyMode(ProxyMode::Nftables)));
        assert_eq!(s.cluster.nodes.len(), 5);
        let saved = s.to_saved();
        let back = AppState::from_saved(&Saved::from_json(&saved.to_json()).expect("loads"));
        assert_eq!((back.cluster.nodes.len(), back.options.cluster.proxy_mode, ready(&back)), (5, ProxyMode::Nftables, 2));
        // Same value again: the same state; refused values leave a notice.
        let same = s.clone().apply(Action::Cluster(ClusterChange::NodeCount(5)));
        assert!(Rc::ptr_eq(&s, &same));
        let s = s.apply(Action::Cluster(ClusterChange::NodeCount(0)));
        assert!(s.notice.as_deref().is_some_and(|n| n.contains("nodes")));
        let s = s.apply(Action::Cluster(toggle(None)));
        assert_eq!(ready(&s), 3);
        assert!(s.options.cluster.overrides.pods.is_empty());
        assert_eq!(s.to_saved().cluster.map(|c| c.node_count), Some(5));
        // kubectl scale deployment web --replicas 5, then back to the manifest's 3.
        let scale =
            |replicas| ClusterChange::Scale { namespace: "default".into(), kind: "Deployment".into(), name: "web".into(), replicas };
        let pods = |s: &AppState| s.cluster.pods.iter().filter(|p| p.namespace == "default").count();
        let s = s.apply(Action::Cluster(scale(Some(5))));
        assert_eq!(pods(&s), 5);
        assert_eq!(s.options.cluster.overrides.scale.len(), 1);
        let s = s.apply(Action::Cluster(scale(Some(-1))));
        assert!(s.notice.as_deref().is_some_and(|n| n.contains("Replicas")));
        let s = s.apply(Action::Cluster(scale(None)));
        assert_eq!(pods(&s), 3);
    }

    #[test]
    fn edits_wait_for_the_worker_or_a_refresh() {
        let start = Rc::new(one("a: []\n"));
        assert!(!start.stale() && !start.rows_stale());
        let edited = start.clone().reduce(edit(&start, "a: ["));
        // The keystroke itself analyses nothing: the old model and rows stay until replaced.
        assert!(edited.stale() && edited.rows_stale());
        assert!(Rc::ptr_eq(&edited.analysis, &start.analysis));
        assert_eq!(edited.revision, start.revision + 1);
        // The worker's rows for an older revision are dropped, the current ones shown.
        let worker = crate::worker::answer(&edited.to_job().to_json());
        let late = edited.clone().reduce(Action::Rows { revision: start.revision, rows: worker.rows.clone() });
        assert!(Rc::ptr_eq(&late, &edited));
        let shown = edited.clone().reduce(Action::Rows { revision: worker.revision, rows: worker.rows });
        assert!(shown.rows.iter().any(|r| r.rule == "yaml-syntax") && !shown.rows_stale());
        assert!(shown.stale(), "the views' model waits for a refresh");
        // Opening a view that draws the cluster brings its model up to date at once.
        let on_map = shown.clone().reduce(Action::Show(Panel::Map, None));
        assert!(!on_map.stale() && on_map.analysis.diagnostics.iter().any(|d| d.rule == "yaml-syntax"));
        let on_docs = shown.clone().reduce(Action::Show(Panel::Rules, None));
        assert!(on_docs.stale(), "the Docs view needs no model");
        let refreshed = shown.reduce(Action::Refresh);
        assert!(!refreshed.stale());
        assert_eq!(refreshed.rows, refreshed.model_rows);
        assert!(refreshed.analysis.diagnostics.iter().any(|d| d.rule == "yaml-syntax"));
        // A refresh of a current model is a no-op; examples keep revisions growing.
        assert!(Rc::ptr_eq(&refreshed.clone().reduce(Action::Refresh), &refreshed));
        let r = refreshed.revision;
        let example = refreshed.reduce(Action::LoadExample(examples::find("clusterip").expect("example")));
        assert!(example.revision > r && !example.stale() && !example.rows_stale());
    }
}
