//! Core's top-level modules import each other one way only: the domains' vocabulary at the
//! bottom, each domain's types and mutations above it, the dispatcher, sync's data, then the
//! store (docs/architecture.md, "Module layering"). This reads the sources and fails on any
//! cycle, naming it.
use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
};

/// Top-level module → the top-level modules it names with `crate::` (in code, not comments).
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<String> = std::fs::read_dir(src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_owned();
            (p.is_dir() || p.extension()? == "rs").then_some(name)
        })
        .collect();
    let mut graph = BTreeMap::new();
    let mut visit = vec![src.to_path_buf()];
    while let Some(dir) = visit.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit.push(path);
                continue;
            }
            let rel = path.strip_prefix(src).unwrap();
            let owner = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_str()
                .unwrap()
                .trim_end_matches(".rs")
                .to_owned();
            let code: String = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            let deps: &mut BTreeSet<String> = graph.entry(owner.clone()).or_default();
            let mut rest = code.as_str();
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + 7..];
                // `crate::{a::x, b}` names several modules.
                let names: Vec<String> = if let Some(group) = rest.strip_prefix('{') {
                    let end = group.find("};").unwrap_or(group.len());
                    group[..end]
                        .split(|c: char| c == ',' || c.is_whitespace() || c == '{')
                        .filter_map(|part| part.split("::").next())
                        .map(str::to_owned)
                        .collect()
                } else {
                    vec![rest
                        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .next()
                        .unwrap_or_default()
                        .to_owned()]
                };
                for name in names {
                    if name != owner && modules.contains(&name) {
                        deps.insert(name);
                    }
                }
            }
        }
    }
    graph
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn walk(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = walk(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| walk(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn core_modules_import_each_other_one_way() {
    let graph = imports(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(
        graph["store"].contains("reservation"),
        "the reader sees imports"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "modules import each other in a circle: {}",
            cycle.join(" → ")
        );
    }
    // The dispatcher and the domains stay below the store.
    for domain in [
        "reservation",
        "checklist",
        "visit",
        "people",
        "inquiry",
        "lending",
        "mutation",
        "sync",
    ] {
        assert!(
            !graph[domain].contains("store"),
            "{domain} imports the store: {:?}",
            graph[domain]
        );
    }
}

#[test]
fn the_cycle_finder_finds_one() {
    let mut g = BTreeMap::new();
    g.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    g.insert("b".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert!(find_cycle(&g).is_some());
}
