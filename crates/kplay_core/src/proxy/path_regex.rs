//! The regular expressions of ingress-nginx's `use-regex` mode: each path of the host becomes
//! `location ~* "^<path>"`, a case-insensitive PCRE anchored at the start of the request path.
//!
//! A small backtracking matcher for the part of PCRE's syntax that Ingress paths use: literals,
//! `.`, classes (`[a-z0-9_-]`, `[^/]`, `\d \w \s` and their negations), groups (`( )`, `(?: )`,
//! named), alternation, the quantifiers `* + ? {n} {n,} {n,m}` (greedy or lazy) and the anchors
//! `^ $`. Look-around, back-references, possessive quantifiers and inline flags are not read:
//! [`PathRegex::new`] returns `None` for them and the caller falls back to a string prefix.
//! Written here rather than taken from `regex-lite`, which reads more but added 17.8 KB gzipped
//! (40 KB raw) to the playground's wasm for this one annotation (ARCHITECTURE.md). The work of
//! one match is bounded ([`STEP_LIMIT`], [`MAX_TEXT_CHARS`]): over it the path does not match,
//! as PCRE gives up at its match limit.

use std::cell::Cell;

/// Backtracking steps one match may take before it is abandoned.
pub const STEP_LIMIT: u32 = 200_000;
/// Request paths longer than this are not matched against a regex (the recursion is per character).
pub const MAX_TEXT_CHARS: usize = 512;

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Char(char),
    Any,
    Class { ranges: Vec<(char, char)>, negated: bool },
    Start,
    End,
    Group(Vec<Vec<Node>>),
    Repeat { node: Box<Node>, min: u32, max: Option<u32>, lazy: bool },
}

/// A compiled path regex.
#[derive(Debug, Clone, PartialEq)]
pub struct PathRegex {
    alternatives: Vec<Vec<Node>>,
}

const DIGIT: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
const SPACE: &[(char, char)] = &[('\t', '\r'), (' ', ' ')];

struct Parser<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    depth: usize,
}

impl Parser<'_> {
    fn alternatives(&mut self) -> Option<Vec<Vec<Node>>> {
        let mut alts = vec![self.sequence()?];
        while self.chars.peek() == Some(&'|') {
            self.chars.next();
            alts.push(self.sequence()?);
        }
        Some(alts)
    }

    fn sequence(&mut self) -> Option<Vec<Node>> {
        let mut seq = Vec::new();
        while let Some(&c) = self.chars.peek() {
            if c == '|' || c == ')' {
                break;
            }
            self.chars.next();
            let atom = match c {
                '.' => Node::Any,
                '^' => Node::Start,
                '$' => Node::End,
                '[' => self.class()?,
                '(' => self.group()?,
                '\\' => self.escape()?,
                '*' | '+' | '?' => return None,
                '{' if self.chars.peek().is_some_and(char::is_ascii_digit) => return None,
                c => Node::Char(c),
            };
            let atom = self.quantified(atom)?;
            seq.push(atom);
        }
        Some(seq)
    }

    fn group(&mut self) -> Option<Node> {
        self.depth += 1;
        if self.depth > 32 {
            return None;
        }
        if self.chars.peek() == Some(&'?') {
            self.chars.next();
            match self.chars.next()? {
                ':' => {}
                // Named groups: (?<name>...), (?P<name>...), (?'name'...).
                'P' if self.chars.next()? == '<' => self.skip_name('>')?,
                '<' if self.chars.peek().is_some_and(char::is_ascii_alphabetic) => self.skip_name('>')?,
                '\'' => self.skip_name('\'')?,
                _ => return None,
            }
        }
        let alts = self.alternatives()?;
        if self.chars.next()? != ')' {
            return None;
        }
        self.depth -= 1;
        Some(Node::Group(alts))
    }

    fn skip_name(&mut self, end: char) -> Option<()> {
        loop {
            match self.chars.next()? {
                c if c == end => return Some(()),
                c if c.is_ascii_alphanumeric() || c == '_' => {}
                _ => return None,
            }
        }
    }

    fn escape(&mut self) -> Option<Node> {
        let c = self.chars.next()?;
        Some(match c {
            'd' => Node::Class { ranges: DIGIT.to_vec(), negated: false },
            'D' => Node::Class { ranges: DIGIT.to_vec(), negated: true },
            'w' => Node::Class { ranges: WORD.to_vec(), negated: false },
            'W' => Node::Class { ranges: WORD.to_vec(), negated: true },
            's' => Node::Class { ranges: SPACE.to_vec(), negated: false },
            'S' => Node::Class { ranges: SPACE.to_vec(), negated: true },
            c if !c.is_ascii_alphanumeric() => Node::Char(c),
            _ => return None,
        })
    }

    fn class(&mut self) -> Option<Node> {
        let negated = self.chars.peek() == Some(&'^');
        if negated {
            self.chars.next();
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.chars.next()?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let lo = if c == '\\' {
                match self.escape()? {
                    Node::Char(c) => c,
                    Node::Class { ranges: r, negated: false } => {
                        ranges.extend(r);
                        continue;
                    }
                    _ => return None,
                }
            } else {
                c
            };
            let mut ahead = self.chars.clone();
            if ahead.next() == Some('-') && ahead.peek().is_some_and(|&n| n != ']') {
                self.chars.next();
                let hi = match self.chars.next()? {
                    '\\' => match self.escape()? {
                        Node::Char(c) => c,
                        _ => return None,
                    },
                    c => c,
                };
                if hi < lo {
                    return None;
                }
                ranges.push((lo, hi));
            } else {
                ranges.push((lo, lo));
            }
        }
        Some(Node::Class { ranges, negated })
    }

    fn quantified(&mut self, atom: Node) -> Option<Node> {
        let (min, max) = match self.chars.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => match self.counted() {
                Some(m) => m,
                None => return Some(atom),
            },
            _ => return Some(atom),
        };
        if matches!(self.chars.peek(), Some('{')) {
            while self.chars.next()? != '}' {}
        } else {
            self.chars.next();
        }
        if matches!(atom, Node::Start | Node::End) {
            return None;
        }
        let lazy = self.chars.peek() == Some(&'?');
        if lazy {
            self.chars.next();
        } else if self.chars.peek() == Some(&'+') {
            return None;
        }
        Some(Node::Repeat { node: Box::new(atom), min, max, lazy })
    }

    /// `{n}`, `{n,}` or `{n,m}` ahead (not consumed); anything else is a literal `{` in PCRE.
    fn counted(&self) -> Option<(u32, Option<u32>)> {
        let mut ahead = self.chars.clone();
        ahead.next();
        let mut text = String::new();
        for c in ahead.by_ref() {
            if c == '}' {
                let (lo, hi) = match text.split_once(',') {
                    None => (text.as_str(), Some(text.as_str())),
                    Some((lo, "")) => (lo, None),
                    Some((lo, hi)) => (lo, Some(hi)),
                };
                let lo: u32 = lo.parse().ok().filter(|&n| n <= 1000)?;
                let hi = match hi {
                    Some(h) => Some(h.parse::<u32>().ok().filter(|&h| h >= lo && h <= 1000)?),
                    None => None,
                };
                return Some((lo, hi));
            }
            text.push(c);
        }
        None
    }
}

impl PathRegex {
    /// Reads `pattern`; `None` when it uses syntax this matcher does not read.
    pub fn new(pattern: &str) -> Option<Self> {
        let mut p = Parser { chars: pattern.chars().peekable(), depth: 0 };
        let alternatives = p.alternatives()?;
        p.chars.next().is_none().then_some(Self { alternatives })
    }

    /// Whether `^(?:pattern)` matches at the start of `text`, ignoring ASCII case (`~*`).
    pub fn matches_start(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        if text.len() > MAX_TEXT_CHARS {
            return false;
        }
        let m = Matcher { text: &text, steps: Cell::new(0) };
        self.alternatives.iter().any(|alt| m.seq(alt, 0, &|_| true))
    }
}

struct Matcher<'t> {
    text: &'t [char],
    steps: Cell<u32>,
}

fn same(a: char, b: char) -> bool {
    a.eq_ignore_ascii_case(&b)
}

fn in_class(c: char, ranges: &[(char, char)]) -> bool {
    let (lo, up) = (c.to_ascii_lowercase(), c.to_ascii_uppercase());
    ranges.iter().any(|&(a, b)| (a..=b).contains(&c) || (a..=b).contains(&lo) || (a..=b).contains(&up))
}

impl Matcher<'_> {
    fn seq(&self, seq: &[Node], pos: usize, k: &dyn Fn(usize) -> bool) -> bool {
        match seq.split_first() {
            None => k(pos),
            Some((node, rest)) => self.node(node, pos, &|p| self.seq(rest, p, k)),
        }
    }

    fn node(&self, node: &Node, pos: usize, k: &dyn Fn(usize) -> bool) -> bool {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > STEP_LIMIT {
            return false;
        }
        let here = self.text.get(pos).copied();
        match node {
            Node::Char(c) => here.is_some_and(|h| same(h, *c)) && k(pos + 1),
            Node::Any => here.is_some_and(|h| h != '\n') && k(pos + 1),
            Node::Class { ranges, negated } => here.is_some_and(|h| in_class(h, ranges) != *negated) && k(pos + 1),
            Node::Start => pos == 0 && k(pos),
            Node::End => pos == self.text.len() && k(pos),
            Node::Group(alts) => alts.iter().any(|alt| self.seq(alt, pos, k)),
            Node::Repeat { node, min, max, lazy } => self.repeat(node, (*min, *max, *lazy), 0, pos, k),
        }
    }

    fn repeat(&self, node: &Node, q: (u32, Option<u32>, bool), count: u32, pos: usize, k: &dyn Fn(usize) -> bool) -> bool {
        let (min, max, lazy) = q;
        let stop = || count >= min && k(pos);
        // One more, unless the maximum is reached; an empty iteration past the minimum
        // would loop for ever.
        let more = || {
            max.is_none_or(|m| count < m) && self.node(node, pos, &|p| (p != pos || count < min) && self.repeat(node, q, count + 1, p, k))
        };
        // Lazy: as few as possible first; greedy: as many as possible first.
        let (first, then): (&dyn Fn() -> bool, &dyn Fn() -> bool) = if lazy { (&stop, &more) } else { (&more, &stop) };
        first() || then()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, text: &str) -> bool {
        PathRegex::new(pattern).unwrap_or_else(|| panic!("{pattern} should be read")).matches_start(text)
    }

    #[test]
    fn ingress_path_patterns() {
        let cases: &[(&str, &str, bool)] = &[
            ("/api/v[0-9]+/users", "/api/v12/users/3", true),
            ("/api/v[0-9]+/users", "/api/vx/users", false),
            ("/f.*", "/F", true),
            ("/foo", "/FOO/bar", true),
            ("/foo", "/fo", false),
            ("/foo$", "/foo/", false),
            ("/foo$", "/foo", true),
            ("/something(/|$)(.*)", "/something", true),
            ("/something(/|$)(.*)", "/something/new", true),
            ("/something(/|$)(.*)", "/somethingelse", false),
            ("/(api|web)/", "/web/x", true),
            ("/(api|web)/", "/app/x", false),
            ("/(?:a|b)+c", "/ababc", true),
            ("/(?<ver>v\\d{1,2})/", "/v10/", true),
            ("/(?<ver>v\\d{1,2})/", "/v100/", false),
            ("/x{2,}", "/xx", true),
            ("/x{2,}", "/x", false),
            ("/a{3}", "/aaa", true),
            ("/{literal", "/{literal", true),
            ("/[^/]+/edit", "/doc/edit", true),
            ("/[^/]+/edit", "/a/b/edit", false),
            ("/\\w+\\.php$", "/index.PHP", true),
            ("/[a-c-]", "/-", true),
            ("/[]x]", "/]", true),
            ("/.*?end", "/the-end", true),
            ("/a?b", "/b", true),
            (".*\\.(js|css)$", "/static/app.JS", true),
        ];
        for &(p, t, want) in cases {
            assert_eq!(m(p, t), want, "{p} on {t}");
        }
    }

    #[test]
    fn unread_syntax_is_refused() {
        for p in ["/a(?=b)", "/(?!x)", "/(a)\\1", "/a++", "/(?i)x", "/bad(", "/bad)", "/[z-a]", "*x", "/\\bword", "/[abc"] {
            assert_eq!(PathRegex::new(p), None, "{p}");
        }
    }

    #[test]
    fn work_is_bounded() {
        // Catastrophic backtracking in a naive engine: stops at the step limit, no match.
        let evil = PathRegex::new("/(a*)*b").expect("read");
        assert!(!evil.matches_start(&format!("/{}", "a".repeat(40))));
        assert!(PathRegex::new("/a+").expect("read").matches_start(&format!("/{}", "a".repeat(MAX_TEXT_CHARS - 1))));
        assert!(!PathRegex::new("/").expect("read").matches_start(&"/".repeat(MAX_TEXT_CHARS + 1)));
    }
}
