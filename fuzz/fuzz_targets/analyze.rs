//! Fuzz target: the whole analysis (load, decode, defaults, rules, cluster simulation,
//! suppressions) on arbitrary bytes, then the report with positions. Never a panic; spans inside
//! the file; the same answer twice.
#![no_main]

use kplay_core::{analyze, ColumnEncoding, Options, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = vec![SourceFile::from_bytes("fuzz.yaml", data)];
    let opts = Options::default();
    let a = analyze(&files, &opts);
    kplay_fuzz::check_spans(&files, &a.diagnostics);
    let _ = kplay_core::report::report(&files, &a, ColumnEncoding::Utf16);
    let again = analyze(&files, &opts);
    assert_eq!(a.diagnostics, again.diagnostics, "analysis is not deterministic");
});
