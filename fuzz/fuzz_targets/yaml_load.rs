//! Fuzz target: the span-keeping YAML loader on arbitrary bytes. It must never panic, and every
//! diagnostic must point inside the file on character boundaries.
#![no_main]

use kplay_core::yaml::{load_file, Limits};
use kplay_core::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = SourceFile::from_bytes("fuzz.yaml", data);
    // Small limits as well as the defaults: the limit paths are where hostile input ends up.
    for limits in
        [Limits::default(), Limits { max_alias_nodes: 64, max_depth: 8, max_document_bytes: 256, max_file_bytes: 4096, max_documents: 4 }]
    {
        let loaded = load_file(0, &file, &limits);
        kplay_fuzz::check_spans(std::slice::from_ref(&file), &loaded.diagnostics);
        for doc in &loaded.docs {
            assert!(doc.span.start <= doc.span.end && doc.span.end as usize <= file.text.len(), "document span {:?}", doc.span);
        }
    }
});
