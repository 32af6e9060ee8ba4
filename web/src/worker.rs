//! The analysis worker: the page's own wasm, started a second time in a dedicated module worker
//! (`kplay-worker-<hash>.js`, written by web/start-script.mjs next to Trunk's loader), analyses
//! the files on every edit off the main thread and sends back the diagnostics rows. The main
//! thread then only turns the rows into underlines and list items, so a keystroke costs it
//! little whatever the size of the document (issue #6: under 16 ms of main-thread work).
//!
//! One job is in flight at a time: while the worker is busy, newer jobs replace the waiting one
//! (the latest text wins; nothing queues up while the user types). A page that cannot start the
//! worker (embeds run in sandboxed frames whose opaque origin may not load one, or an old
//! browser) analyses on the main thread as before ([`crate::state::Action::Refresh`]).

use std::cell::RefCell;
use std::rc::Rc;

use kplay_core::{analyze, Options, SourceFile};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::persist::Saved;
use crate::state::{rows, DiagnosticRow};

/// The worker's first message: it has loaded and takes jobs.
const READY: &str = "kplay:ready";
/// The global the page's loader sets to the worker script's URL (web/start-script.mjs).
const URL_GLOBAL: &str = "kplayWorkerUrl";

/// What the page asks: the rows of the files (and cluster settings) of `revision`, as the JSON
/// of a saved workspace, read back with the same limits as a share link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub revision: u64,
    pub saved: Saved,
}

/// The worker's answer to a [`Job`]; `error` when the job could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub revision: u64,
    pub rows: Vec<DiagnosticRow>,
    pub error: Option<String>,
}

impl Job {
    pub fn to_json(&self) -> String {
        // Plain strings and numbers: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The worker's work, pure and tested natively: the rows the main thread would compute.
pub fn answer(job_json: &str) -> Reply {
    let job = match serde_json::from_str::<Job>(job_json) {
        Ok(job) => job,
        Err(e) => return Reply { revision: 0, rows: Vec::new(), error: Some(format!("not a job ({e})")) },
    };
    // The same checks as a share link: the page sent it, but a worker trusts no message.
    if let Err(e) = job.saved.check() {
        return Reply { revision: job.revision, rows: Vec::new(), error: Some(e) };
    }
    let mut options = Options::default();
    if let Some(c) = &job.saved.cluster {
        options.cluster = c.apply(&options.cluster);
    }
    let files: Vec<SourceFile> = job.saved.files.iter().map(|f| SourceFile::new(f.name.as_str(), f.text.as_str())).collect();
    let analysis = analyze(&files, &options);
    Reply { revision: job.revision, rows: rows(&files, &analysis), error: None }
}

/// In a worker: answers jobs until the page closes and returns `true`; on a page, `false`.
pub fn serve() -> bool {
    let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() else { return false };
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let Some(job) = e.data().as_string() else { return };
        let reply = serde_json::to_string(&answer(&job)).unwrap_or_default();
        let _ = reply_to.post_message(&JsValue::from_str(&reply));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
    true
}

/// The page's side of the worker.
struct Client {
    worker: web_sys::Worker,
    ready: bool,
    busy: bool,
    /// The newest job not yet sent.
    waiting: Option<String>,
}

/// Where the worker stands, seen from the page.
enum Link {
    NotStarted,
    Running(Client),
    /// It could not start or it crashed: the page analyses on its own thread.
    Failed,
}

thread_local! {
    static LINK: RefCell<Link> = const { RefCell::new(Link::NotStarted) };
}

impl Client {
    fn pump(&mut self) {
        if !self.ready || self.busy {
            return;
        }
        if let Some(job) = self.waiting.take() {
            self.busy = self.worker.post_message(&JsValue::from_str(&job)).is_ok();
        }
    }
}

/// Starts the worker; `on_reply` gets every answer, `on_failure` is called once if the worker
/// fails (the page then analyses on its own). Returns whether a worker is running.
pub fn start(on_reply: impl Fn(Reply) + 'static, on_failure: impl Fn() + 'static) -> bool {
    if LINK.with(|l| !matches!(*l.borrow(), Link::NotStarted)) {
        return running();
    }
    let Some(worker) = create() else {
        LINK.with(|l| *l.borrow_mut() = Link::Failed);
        mark("page");
        return false;
    };
    let on_failure = Rc::new(on_failure);
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let Some(text) = e.data().as_string() else { return };
        let reply = LINK.with(|l| {
            let mut link = l.borrow_mut();
            let Link::Running(c) = &mut *link else { return None };
            if text == READY {
                c.ready = true;
                c.pump();
                mark("worker");
                return None;
            }
            c.busy = false;
            c.pump();
            serde_json::from_str::<Reply>(&text).ok()
        });
        if let Some(reply) = reply {
            on_reply(reply);
        }
    });
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        // The worker did not load (or died): say so once, and stop using it.
        e.prevent_default();
        let was_running = LINK.with(|l| {
            let mut link = l.borrow_mut();
            let was = matches!(*link, Link::Running(_));
            if let Link::Running(c) = &*link {
                c.worker.terminate();
            }
            *link = Link::Failed;
            was
        });
        if was_running {
            mark("page");
            on_failure();
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // Both handlers live as long as the page.
    on_message.forget();
    on_error.forget();
    LINK.with(|l| *l.borrow_mut() = Link::Running(Client { worker, ready: false, busy: false, waiting: None }));
    true
}

/// Creates the module worker from the URL the loader left, if the page may.
fn create() -> Option<web_sys::Worker> {
    let url = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(URL_GLOBAL)).ok()?.as_string()?;
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    // Sandboxed frames (opaque origin) and old browsers refuse: the page works without it.
    web_sys::Worker::new_with_options(&url, &options).ok()
}

/// Where the analysis runs, on the page's root element (`data-analysis`: `worker` or `page`),
/// for tests and the curious.
fn mark(place: &str) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-analysis", place);
    }
}

/// Whether jobs go to a worker.
pub fn running() -> bool {
    LINK.with(|l| matches!(*l.borrow(), Link::Running(_)))
}

/// Sends `job` (replacing any job still waiting); `false` when there is no worker to send to.
pub fn submit(job: &Job) -> bool {
    LINK.with(|l| {
        let mut link = l.borrow_mut();
        let Link::Running(c) = &mut *link else { return false };
        c.waiting = Some(job.to_json());
        c.pump();
        true
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::{SavedCluster, SavedFile};
    use crate::state::AppState;

    fn job(files: &[(&str, &str)], cluster: Option<SavedCluster>) -> Job {
        let files = files.iter().map(|(n, t)| SavedFile { name: (*n).into(), text: (*t).into() }).collect();
        Job { revision: 7, saved: Saved { v: 1, files, active: 0, cluster } }
    }

    #[test]
    fn the_worker_finds_what_the_page_would() {
        let e = crate::examples::find("seed").expect("the seed tutorial");
        let files: Vec<(&str, &str)> = e.files.to_vec();
        let cluster = SavedCluster { node_count: 2, ..SavedCluster::default() };
        let reply = answer(&job(&files, Some(cluster.clone())).to_json());
        let page = AppState::from_saved(&job(&files, Some(cluster)).saved);
        assert_eq!(reply.error, None);
        assert_eq!(reply.revision, 7);
        assert!(!reply.rows.is_empty(), "the example has findings");
        assert_eq!(reply.rows, page.rows.to_vec());
        // Through JSON as the page reads it.
        let back: Reply = serde_json::from_str(&serde_json::to_string(&reply).expect("json")).expect("reads back");
        assert_eq!(back, reply);
    }

    #[test]
    fn bad_jobs_get_an_error_not_a_panic() {
        assert!(answer("{").error.is_some_and(|e| e.contains("not a job")));
        let mut j = job(&[("a/b", "kind: Pod\n")], None);
        assert!(answer(&j.to_json()).error.is_some_and(|e| e.contains("slash")));
        j.saved.files.clear();
        let r = answer(&j.to_json());
        assert_eq!((r.revision, r.rows.len()), (7, 0));
        assert!(r.error.is_some());
    }

    #[test]
    fn a_broken_line_comes_back_at_its_place() {
        let r = answer(&job(&[("a.yaml", "kind: Service\n"), ("b.yaml", "a: [")], None).to_json());
        let row = r.rows.iter().find(|r| r.rule == "yaml-syntax").expect("a syntax error");
        assert_eq!((row.file, row.file_name.as_str(), row.line), (1, "b.yaml", 1));
    }
}
