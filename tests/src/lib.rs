//! The data-driven suite.
