//! Finds the components that call each other without end, for the error
//! Tera gives when component calls nest too deep: Tera stops them (so the
//! stack never overflows) but says neither which component nor where.
//!
//! The templates' text is scanned for `{% component NAME(…) %}` definitions,
//! component calls (`<NAME …/>` inside `{{ … }}` or `{% … %}`), `include`
//! and `extends`; a loop of calls reachable from the page's template is the
//! culprit, and the call that closes it is the place to name.

use std::collections::{BTreeMap, HashMap, HashSet};

/// How deep Tera 2 lets component calls nest
/// (`MAX_COMPONENT_RECURSION_DEPTH` in tera's interpreter).
pub(super) const TERA_MAX_DEPTH: usize = 20;

/// Whether `error` is Tera's error for component calls nested too deep.
pub(super) fn is_too_deep(error: &tera::Error) -> bool {
    error
        .to_string()
        .contains("recursion depth for components exceeded")
}

/// A loop of component calls.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Loop {
    /// What the loop goes through, from the component called at the
    /// reported place back to that place: `` `name` `` for a component, the
    /// template's name for an include or extends.
    pub chain: Vec<String>,
    /// The component calls itself, with nothing in between.
    pub direct: bool,
    /// The template holding the reported call.
    pub template: String,
    /// The byte offset of that call (its `<`) in the template's text.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Node {
    Template(String),
    Component(String),
}

/// A call (or include, or extends) from one node to another.
#[derive(Debug)]
struct Edge {
    to: Node,
    template: String,
    offset: usize,
}

/// The first loop of component calls reachable from the template `start`
/// (or, when none is, anywhere), among `templates` (name → text).
pub(super) fn find_loop(start: &str, templates: &BTreeMap<String, String>) -> Option<Loop> {
    let graph = Graph::scan(templates);
    let mut done = HashSet::new();
    graph
        .walk(&Node::Template(start.to_string()), &mut done)
        .or_else(|| {
            let components: Vec<Node> = graph
                .edges
                .keys()
                .filter(|n| matches!(n, Node::Component(_)))
                .cloned()
                .collect();
            components.iter().find_map(|c| graph.walk(c, &mut done))
        })
}

struct Graph {
    edges: BTreeMap<Node, Vec<Edge>>,
}

impl Graph {
    fn scan(templates: &BTreeMap<String, String>) -> Graph {
        let defined: HashSet<String> = templates
            .values()
            .flat_map(|text| tags(text))
            .filter_map(|tag| component_name(tag.inner))
            .map(str::to_string)
            .collect();
        let mut edges: BTreeMap<Node, Vec<Edge>> = BTreeMap::new();
        for (name, text) in templates {
            let mut current = vec![Node::Template(name.clone())];
            for tag in tags(text) {
                let inner = tag.inner;
                let from = current
                    .last()
                    .cloned()
                    .unwrap_or(Node::Template(name.clone()));
                if let Some(component) = component_name(inner) {
                    current.push(Node::Component(component.to_string()));
                    continue;
                }
                if first_word(inner) == "endcomponent" {
                    if current.len() > 1 {
                        current.pop();
                    }
                    continue;
                }
                let mut add = |to: Node, offset: usize| {
                    edges.entry(from.clone()).or_default().push(Edge {
                        to,
                        template: name.clone(),
                        offset,
                    })
                };
                if matches!(first_word(inner), "include" | "extends") {
                    for (offset, target) in strings(inner) {
                        add(Node::Template(target.to_string()), tag.start + offset);
                    }
                    continue;
                }
                for (offset, callee) in calls(inner) {
                    if defined.contains(callee) {
                        add(Node::Component(callee.to_string()), tag.start + offset);
                    }
                }
            }
        }
        Graph { edges }
    }

    /// A depth-first walk from `start`: an edge back to a node on the
    /// current path closes a loop, which counts when it holds a component.
    /// `done` holds the nodes whose every path was already walked.
    fn walk<'a>(&'a self, start: &'a Node, done: &mut HashSet<Node>) -> Option<Loop> {
        if done.contains(start) {
            return None;
        }
        // The path from `start`: each node, the index of its next edge, and
        // the edge that led to it.
        let mut path: Vec<(&Node, usize, Option<&Edge>)> = vec![(start, 0, None)];
        let mut on_path: HashMap<&Node, usize> = HashMap::from([(start, 0)]);
        while let Some(&(node, next, _)) = path.last() {
            let Some(edge) = self.edges.get(node).and_then(|e| e.get(next)) else {
                on_path.remove(node);
                done.insert(node.clone());
                path.pop();
                continue;
            };
            if let Some(last) = path.last_mut() {
                last.1 += 1;
            }
            if let Some(&at) = on_path.get(&edge.to) {
                // The loop's edges, in order: into each node after `at`, then back.
                let edges: Vec<&Edge> = path[at + 1..]
                    .iter()
                    .filter_map(|(_, _, e)| *e)
                    .chain([edge])
                    .collect();
                if let Some(found) = Loop::of(&edges) {
                    return Some(found);
                }
                continue;
            }
            if !done.contains(&edge.to) {
                on_path.insert(&edge.to, path.len());
                path.push((&edge.to, 0, Some(edge)));
            }
        }
        None
    }
}

impl Loop {
    /// The loop made of `edges` (each leads to the next one's source, the
    /// last to the first's), named by its last call of a component; `None`
    /// when it calls no component (includes alone cannot loop in Tera).
    fn of(edges: &[&Edge]) -> Option<Loop> {
        let last_call = edges
            .iter()
            .rposition(|e| matches!(e.to, Node::Component(_)))?;
        let call = edges[last_call];
        // From the called component around to the caller.
        let chain = edges[last_call..]
            .iter()
            .chain(&edges[..last_call])
            .map(|e| match &e.to {
                Node::Component(c) => format!("`{c}`"),
                Node::Template(t) => t.clone(),
            })
            .collect();
        Some(Loop {
            chain,
            direct: edges.len() == 1,
            template: call.template.clone(),
            offset: call.offset,
        })
    }
}

/// One `{{ … }}` or `{% … %}` of a template: its text between the
/// delimiters (without whitespace control) and where that text starts.
struct Tag<'a> {
    inner: &'a str,
    start: usize,
}

/// The tags of a template, skipping comments and `{% raw %}` blocks.
fn tags(text: &str) -> Vec<Tag<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut raw = false;
    while let Some(found) = text[i..].find('{') {
        let open = i + found;
        let kind = bytes.get(open + 1).copied();
        i = open + 1;
        let close = match kind {
            Some(b'#') => {
                if let Some(end) = text[open..].find("#}") {
                    i = open + end + 2;
                }
                continue;
            }
            Some(b'%') => b'%',
            Some(b'{') => b'}',
            _ => continue,
        };
        let Some(end) = tag_end(bytes, open + 2, close) else {
            break;
        };
        i = end + 2;
        let body = &text[open + 2..end];
        let trimmed_start = body.len() - body.trim_start_matches(['-', '+', '~']).len();
        let inner = body[trimmed_start..].trim_end_matches(['-', '+', '~']);
        let lead = inner.len() - inner.trim_start().len();
        let tag = Tag {
            inner: inner.trim(),
            start: open + 2 + trimmed_start + lead,
        };
        let word = first_word(tag.inner);
        if raw {
            raw = word != "endraw";
            continue;
        }
        if close == b'%' && word == "raw" {
            raw = true;
            continue;
        }
        out.push(tag);
    }
    out
}

/// Where the tag that starts at `from` closes (the index of `%}` or `}}`),
/// skipping string literals and `{…}` inside it.
fn tag_end(bytes: &[u8], from: usize, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'"' | b'\'' | b'`' => quote = Some(b),
                b'{' => depth += 1,
                b'}' if depth > 0 => depth -= 1,
                _ if b == close && depth == 0 && bytes.get(i + 1) == Some(&b'}') => return Some(i),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

fn first_word(inner: &str) -> &str {
    inner
        .split(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("")
}

/// The names of the components a template defines.
pub(super) fn defined_components(text: &str) -> Vec<&str> {
    tags(text)
        .into_iter()
        .filter_map(|tag| component_name(tag.inner))
        .collect()
}

/// The name in `component NAME(…)`.
fn component_name(inner: &str) -> Option<&str> {
    let rest = inner.strip_prefix("component")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let name = rest.trim_start();
    let end = name.find(|c: char| !is_name_char(c)).unwrap_or(name.len());
    (end > 0).then(|| &name[..end])
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

/// The string literals in a tag, with their offsets.
fn strings(inner: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(found) = inner[i..].find(['"', '\'', '`']) {
        let quote = inner.as_bytes()[i + found] as char;
        let start = i + found + 1;
        let end = inner[start..]
            .find(quote)
            .map_or(inner.len(), |e| start + e);
        out.push((start, &inner[start..end]));
        i = (end + 1).min(inner.len());
    }
    out
}

/// The component calls in a tag (`<NAME` followed by a space, `/` or `>`),
/// outside string literals, with their offsets.
fn calls(inner: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut quote = None;
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == '\\' {
                chars.next();
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '<' => {
                let name_start = i + 1;
                let rest = &inner[name_start..];
                let len = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
                let after = rest[len..].chars().next();
                let starts_well = rest.starts_with(|c: char| c.is_alphabetic() || c == '_');
                if starts_well && after.is_none_or(|c| c.is_whitespace() || c == '/' || c == '>') {
                    out.push((i, &rest[..len]));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates(list: &[(&str, &str)]) -> BTreeMap<String, String> {
        list.iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn a_component_calling_itself() {
        let text = "{{ <a /> }}\n{% component a() %}x{{ <a /> }}{% endcomponent a %}";
        let found = find_loop("page.html", &templates(&[("page.html", text)])).unwrap();
        assert_eq!(found.chain, ["`a`"]);
        assert!(found.direct);
        assert_eq!(found.template, "page.html");
        assert_eq!(&text[found.offset..found.offset + 2], "<a");
        assert!(found.offset > 12);
    }

    #[test]
    fn a_loop_through_an_include_and_a_block_call() {
        let list = [
            ("page.html", "{% extends \"base.html\" %}"),
            ("base.html", "{% <outer> %}body{% </outer> %}"),
            (
                "c.html",
                "{% component outer() %}{% include \"inner.html\" %}{% endcomponent outer %}",
            ),
            (
                "inner.html",
                "{# <outer /> #}{{ \"<outer />\" }}{{<outer/>}}",
            ),
        ];
        let found = find_loop("page.html", &templates(&list)).unwrap();
        assert_eq!(found.chain, ["`outer`", "inner.html"]);
        assert!(!found.direct);
        assert_eq!(found.template, "inner.html");
        assert_eq!(found.offset, "{# <outer /> #}{{ \"<outer />\" }}{{".len());
    }

    #[test]
    fn no_loop_without_recursion() {
        let list = [(
            "page.html",
            "{{ <a /> }}{% component a() %}{{ x < b }}{{ <b/> }}{% endcomponent a %}{% component b() %}{% raw %}{{ <a /> }}{% endraw %}{% endcomponent b %}",
        )];
        assert_eq!(find_loop("page.html", &templates(&list)), None);
    }

    #[test]
    fn unclosed_tags_do_not_panic() {
        for text in ["{{", "{%", "{#", "{{ <", "{% component", "{{ \"<a", "é{{<é"] {
            let _ = find_loop("p", &templates(&[("p", text)]));
        }
    }
}
