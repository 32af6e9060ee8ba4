//! JUnit XML: one test case per object (and one per file for diagnostics outside objects).

use kplay_core::report::Report;
use kplay_core::{Analysis, Severity, SourceFile};
use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};

pub fn render(files: &[SourceFile], analysis: &Analysis, report: &Report) -> Result<String, String> {
    let mut suite = TestSuite::new("kplay check");
    // Objects in input order; each diagnostic goes to its object's case (by object identity and file).
    let mut cases: Vec<(String, String, Vec<usize>)> = Vec::new();
    for o in &analysis.objects {
        let file = files.get(o.file).map_or("", |f| f.name.as_str()).to_string();
        let name = format!("{} {}", file, o.display_name());
        cases.push((name, file, Vec::new()));
    }
    let mut loose: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, d) in analysis.diagnostics.iter().enumerate() {
        let file = files.get(d.primary.file).map_or("", |f| f.name.as_str());
        let idx = d.object.as_ref().and_then(|r| {
            analysis.objects.iter().position(|o| o.object_ref == *r && files.get(o.file).map(|f| f.name.as_str()) == Some(file))
        });
        match idx {
            Some(k) => cases[k].2.push(i),
            None => match loose.iter_mut().find(|(f, _)| f == file) {
                Some((_, v)) => v.push(i),
                None => loose.push((file.to_string(), vec![i])),
            },
        }
    }
    let mut all: Vec<(String, Vec<usize>)> = cases.into_iter().map(|(n, _, v)| (n, v)).collect();
    all.extend(loose.into_iter().map(|(f, v)| (format!("{f} (file)"), v)));
    for (name, diags) in all {
        let errors: Vec<usize> = diags.iter().copied().filter(|&i| analysis.diagnostics[i].severity == Severity::Error).collect();
        let status = if errors.is_empty() {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let text: Vec<String> = diags
                .iter()
                .map(|&i| {
                    let d = &report.diagnostics[i];
                    format!(
                        "{}:{}:{}: {}[{}]: {}",
                        d.file,
                        d.range.start.line,
                        d.range.start.column,
                        d.severity.as_str(),
                        d.rule,
                        d.message
                    )
                })
                .collect();
            if let TestCaseStatus::NonSuccess { message, description, .. } = &mut s {
                *message = Some(report.diagnostics[errors[0]].message.clone().into());
                *description = Some(text.join("\n").into());
            }
            s
        };
        suite.add_test_case(TestCase::new(name, status));
    }
    let mut r = JReport::new("kplay");
    r.add_test_suite(suite);
    r.to_string().map_err(|e| format!("cannot write JUnit XML: {e}"))
}
