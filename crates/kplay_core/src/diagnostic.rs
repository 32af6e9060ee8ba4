//! Diagnostics: what is wrong, where (primary and secondary labels), why, and how to fix it.

use serde::Serialize;

use crate::source::{FileId, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Advice.
    Info,
    /// Accepted by the API server but almost surely broken.
    Warning,
    /// The API server rejects it, or it cannot work.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// The error type the API server would report (`causes[].reason` without the `FieldValue` prefix),
/// or `Decode` for a rejection while decoding (HTTP 400), or `Admission` for a default admission
/// plugin's refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ErrorType {
    Required,
    Invalid,
    Duplicate,
    NotSupported,
    Forbidden,
    TooLong,
    TooMany,
    NotFound,
    InternalError,
    Decode,
    Admission,
}

impl ErrorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::Required => "Required",
            ErrorType::Invalid => "Invalid",
            ErrorType::Duplicate => "Duplicate",
            ErrorType::NotSupported => "NotSupported",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::TooLong => "TooLong",
            ErrorType::TooMany => "TooMany",
            ErrorType::NotFound => "NotFound",
            ErrorType::InternalError => "InternalError",
            ErrorType::Decode => "Decode",
            ErrorType::Admission => "Admission",
        }
    }
}

/// The field error the API server would return for this diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct KubernetesError {
    /// The field path in the server's notation, e.g. `spec.ports[0].targetPort`.
    pub field: String,
    #[serde(rename = "type")]
    pub error_type: ErrorType,
}

/// A place in a file with a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// Which object a diagnostic is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Default)]
pub struct ObjectRef {
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Stable kebab-case rule name from the registry (see `rules`).
    pub rule: &'static str,
    pub severity: Severity,
    /// A short message that stands alone.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The primary place. Its message is shown under the caret (usually the field path).
    pub primary: Label,
    /// Related places, possibly in other files.
    pub secondary: Vec<Label>,
    pub object: Option<ObjectRef>,
    pub kubernetes: Option<KubernetesError>,
}

impl Diagnostic {
    pub fn new(rule: &'static str, severity: Severity, file: FileId, span: Span, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity,
            message: message.into(),
            help: None,
            primary: Label { file, span, message: String::new() },
            secondary: Vec::new(),
            object: None,
            kubernetes: None,
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn with_label_message(mut self, msg: impl Into<String>) -> Self {
        self.primary.message = msg.into();
        self
    }

    #[must_use]
    pub fn with_secondary(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label { file, span, message: message.into() });
        self
    }

    /// Marks the diagnostic as an API-server rejection at `field` with `error_type`; the field path
    /// becomes the primary label's message when it has none.
    #[must_use]
    pub fn with_kubernetes(mut self, field: impl Into<String>, error_type: ErrorType) -> Self {
        let field = field.into();
        if self.primary.message.is_empty() {
            self.primary.message.clone_from(&field);
        }
        self.kubernetes = Some(KubernetesError { field, error_type });
        self
    }

    #[must_use]
    pub fn with_object(mut self, object: Option<ObjectRef>) -> Self {
        self.object = object;
        self
    }

    /// Order for output: file, position, then rule name. Diagnostics of one rule at one place
    /// keep the order the rule found them in (the sort is stable), which follows the order the
    /// API server's validation reports them in (e.g. an Ingress path's `//` before its `%2f`).
    pub fn sort_key(&self) -> (FileId, u32, u32, &'static str) {
        (self.primary.file, self.primary.span.start, self.primary.span.end, self.rule)
    }
}

/// In-place builders, for diagnostics handed out by a [`crate::rules::Sink`].
impl Diagnostic {
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    pub fn label(&mut self, message: impl Into<String>) -> &mut Self {
        self.primary.message = message.into();
        self
    }

    pub fn secondary(&mut self, file: FileId, span: Span, message: impl Into<String>) -> &mut Self {
        self.secondary.push(Label { file, span, message: message.into() });
        self
    }
}
