//! Data-bound controls (ECMA-376 Part 1 §17.5.2.6 `w:dataBinding`): the custom XML data stores
//! of a package and the XPath subset Word writes into bindings.
//!
//! Word writes absolute location paths of qualified names with position predicates,
//! `/ns0:root[1]/ns0:child[1]`, sometimes ending in `@attr` or `text()`; Office 2007's templates
//! bind to `//Fax`, anywhere in the store. That subset is evaluated here on a small tree of the
//! store; no XPath crate is needed for it, and the stores are parsed only when a binding asks
//! for one.

use std::cell::OnceCell;
use std::collections::HashMap;

use quick_xml::events::Event;

use crate::ooxml::glossary::resolve_ref;
use crate::xml;

/// The store id Word uses for the core properties (`docProps/core.xml`).
pub const CORE_PROPERTIES_STORE: &str = "{6C3C8BC8-F283-45AE-878A-BAB7291924A1}";
/// The store id Word uses for the extended properties (`docProps/app.xml`).
pub const EXTENDED_PROPERTIES_STORE: &str = "{6668398D-A668-4E3E-A5EB-62B293D839F1}";

/// One data store: its id and XML, parsed on first use.
pub(crate) struct Store {
    id: Option<String>,
    xml: Vec<u8>,
    tree: OnceCell<Option<Tree>>,
}

/// The data stores of a package.
#[derive(Default)]
pub(crate) struct Stores {
    stores: Vec<Store>,
}

impl Stores {
    pub fn add(&mut self, id: Option<String>, xml: Vec<u8>) {
        self.stores.push(Store {
            id: id.map(|i| normalize_id(&i)),
            xml,
            tree: OnceCell::new(),
        });
    }

    /// The value a binding points at: the store named by `store_id` first; when it is absent
    /// or the node is not in it, the first store where the path finds a node (Word does the
    /// same when a store id does not match).
    pub fn lookup(
        &self,
        store_id: Option<&str>,
        xpath: &str,
        prefix_mappings: Option<&str>,
    ) -> Option<String> {
        let path = XPath::parse(xpath, prefix_mappings.unwrap_or(""))?;
        let wanted = store_id.map(normalize_id);
        let named = self
            .stores
            .iter()
            .filter(|s| wanted.is_some() && s.id == wanted);
        let others = self
            .stores
            .iter()
            .filter(|s| wanted.is_none() || s.id != wanted);
        named.chain(others).find_map(|s| {
            s.tree
                .get_or_init(|| Tree::parse(&s.xml))
                .as_ref()?
                .eval(&path)
        })
    }
}

fn normalize_id(id: &str) -> String {
    let t = id.trim().trim_start_matches('{').trim_end_matches('}');
    format!("{{{}}}", t.to_ascii_uppercase())
}

/// Reads `ds:datastoreItem/@ds:itemID` from an item properties part.
pub(crate) fn item_id(props_xml: &[u8]) -> Option<String> {
    let text = xml::utf8_view(props_xml);
    let mut r = xml::reader(&text);
    loop {
        match r.read_event() {
            Ok(Event::Start(ref e)) | Ok(Event::Empty(ref e))
                if e.local_name().as_ref() == b"datastoreItem" =>
            {
                return xml::attr(&r, e, xml::Ns::Ds, b"itemID").map(|v| v.into_owned());
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

#[derive(Debug)]
struct Node {
    ns: String,
    local: String,
    attrs: Vec<(String, String, String)>,
    children: Vec<usize>,
    text: String,
}

#[derive(Debug)]
struct Tree {
    nodes: Vec<Node>,
    /// The document node's children: the root element.
    root_only: [usize; 1],
}

impl Tree {
    fn parse(bytes: &[u8]) -> Option<Tree> {
        let text = xml::utf8_view(bytes);
        let mut r = xml::reader(&text);
        let mut nodes: Vec<Node> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        loop {
            let ev = r.read_event().ok()?;
            match ev {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    if stack.len() > 256 || nodes.len() > 1_000_000 {
                        return None;
                    }
                    let (res, local) = r.resolver().resolve_element(e.name());
                    let ns = match res {
                        quick_xml::name::ResolveResult::Bound(n) => {
                            String::from_utf8_lossy(n.as_ref()).into_owned()
                        }
                        _ => String::new(),
                    };
                    let mut attrs = Vec::new();
                    for a in e.attributes().with_checks(false).flatten() {
                        let (ares, alocal) = r.resolver().resolve_attribute(a.key);
                        let ans = match ares {
                            quick_xml::name::ResolveResult::Bound(n) => {
                                String::from_utf8_lossy(n.as_ref()).into_owned()
                            }
                            _ => String::new(),
                        };
                        let v = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map(|v| v.into_owned())
                            .unwrap_or_default();
                        attrs.push((
                            ans,
                            String::from_utf8_lossy(alocal.as_ref()).into_owned(),
                            v,
                        ));
                    }
                    let id = nodes.len();
                    nodes.push(Node {
                        ns,
                        local: String::from_utf8_lossy(local.as_ref()).into_owned(),
                        attrs,
                        children: Vec::new(),
                        text: String::new(),
                    });
                    if let Some(&p) = stack.last() {
                        nodes[p].children.push(id);
                    }
                    if matches!(ev, Event::Start(_)) {
                        stack.push(id);
                    }
                }
                Event::End(_) => {
                    stack.pop();
                }
                Event::Text(ref t) => {
                    if let Some(&cur) = stack.last() {
                        nodes[cur].text.push_str(&t.decode().ok()?);
                    }
                }
                Event::CData(ref t) => {
                    if let Some(&cur) = stack.last() {
                        nodes[cur].text.push_str(&String::from_utf8_lossy(t));
                    }
                }
                Event::GeneralRef(ref g) => {
                    if let (Some(&cur), Some(s)) = (stack.last(), resolve_ref(g)) {
                        nodes[cur].text.push_str(&s);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        (!nodes.is_empty()).then_some(Tree {
            nodes,
            root_only: [0],
        })
    }

    /// The string value of a node: its text and its descendants' text, in order.
    fn string_value(&self, id: usize, out: &mut String) {
        out.push_str(&self.nodes[id].text);
        for &c in &self.nodes[id].children {
            self.string_value(c, out);
        }
    }

    /// The children of `parent` (the document node when `None`: its one child is the root).
    fn children(&self, parent: Parent) -> &[usize] {
        match parent {
            Some(n) => &self.nodes[n].children,
            None => &self.root_only,
        }
    }

    /// `parent` and every node under it, in document order.
    fn with_descendants(&self, parent: Parent, out: &mut Vec<Parent>) {
        out.push(parent);
        for &c in self.children(parent) {
            self.with_descendants(Some(c), out);
        }
    }

    /// The nodes a path selects, in document order; the binding's value is the first one's.
    fn eval(&self, path: &XPath) -> Option<String> {
        let mut current: Vec<Parent> = vec![None];
        for step in &path.steps {
            match step {
                Step::Element {
                    ns,
                    local,
                    position,
                    anywhere,
                } => {
                    let parents = match anywhere {
                        false => current,
                        true => {
                            let mut all = Vec::new();
                            for &p in &current {
                                self.with_descendants(p, &mut all);
                            }
                            all.sort_unstable();
                            all.dedup();
                            all
                        }
                    };
                    // The position counts among each parent's matching children (XPath's
                    // `//x[1]` is every `x` that is the first `x` of its parent).
                    let mut found: Vec<Parent> = parents
                        .iter()
                        .filter_map(|&p| {
                            self.children(p)
                                .iter()
                                .filter(|&&c| {
                                    let node = &self.nodes[c];
                                    (local == "*" || node.local == *local)
                                        && ns.as_ref().is_none_or(|ns| node.ns == *ns)
                                })
                                .nth(position.saturating_sub(1))
                                .map(|&c| Some(c))
                        })
                        .collect();
                    found.sort_unstable();
                    found.dedup();
                    current = found;
                }
                Step::Attribute { ns, local } => {
                    return current.iter().flatten().find_map(|&n| {
                        self.nodes[n]
                            .attrs
                            .iter()
                            .find(|(ans, alocal, _)| {
                                alocal == local && ns.as_ref().is_none_or(|ns| ans == ns)
                            })
                            .map(|(_, _, v)| v.clone())
                    });
                }
                Step::Text => return Some(self.nodes[(*current.first()?)?].text.clone()),
            }
        }
        let mut out = String::new();
        self.string_value((*current.first()?)?, &mut out);
        Some(out)
    }
}

/// A node that has children: an element, or the document node (`None`).
type Parent = Option<usize>;

#[derive(Debug, PartialEq)]
enum Step {
    Element {
        ns: Option<String>,
        local: String,
        position: usize,
        /// `//name`: a child of any node under the current ones, not of those only.
        anywhere: bool,
    },
    Attribute {
        ns: Option<String>,
        local: String,
    },
    Text,
}

#[derive(Debug, PartialEq)]
struct XPath {
    steps: Vec<Step>,
}

impl XPath {
    /// Parses an absolute path; `None` for anything outside the subset.
    fn parse(xpath: &str, prefix_mappings: &str) -> Option<XPath> {
        let prefixes = parse_prefix_mappings(prefix_mappings);
        let resolve = |qname: &str| -> Option<(Option<String>, String)> {
            match qname.split_once(':') {
                Some((p, l)) => Some((Some(prefixes.get(p)?.clone()), l.to_owned())),
                None => Some((None, qname.to_owned())),
            }
        };
        let path = xpath.trim();
        let rest = path.strip_prefix('/')?;
        let mut steps = Vec::new();
        // `//` leaves an empty step between its two slashes.
        let mut anywhere = false;
        for raw in rest.split('/') {
            let raw = raw.trim();
            if raw.is_empty() {
                if anywhere {
                    return None;
                }
                anywhere = true;
                continue;
            }
            if anywhere && (raw == "text()" || raw.starts_with('@')) {
                return None;
            }
            if raw == "text()" {
                steps.push(Step::Text);
                continue;
            }
            if let Some(a) = raw.strip_prefix('@') {
                let (ns, local) = resolve(a)?;
                steps.push(Step::Attribute { ns, local });
                continue;
            }
            let (name, position) = match raw.split_once('[') {
                Some((n, pred)) => (n, pred.strip_suffix(']')?.trim().parse().ok()?),
                None => (raw, 1),
            };
            let (ns, local) = resolve(name)?;
            steps.push(Step::Element {
                ns,
                local,
                position,
                anywhere,
            });
            anywhere = false;
        }
        (!anywhere).then_some(XPath { steps })
    }
}

/// `xmlns:ns0='urn:a' xmlns:ns1="urn:b"` → {ns0: urn:a, ns1: urn:b}.
fn parse_prefix_mappings(s: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut rest = s;
    while let Some(i) = rest.find("xmlns:") {
        rest = &rest[i + 6..];
        let Some(eq) = rest.find('=') else { break };
        let prefix = rest[..eq].trim().to_owned();
        let after = rest[eq + 1..].trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '\'' || *c == '"') else {
            break;
        };
        let Some(end) = after[1..].find(quote) else {
            break;
        };
        out.insert(prefix, after[1..1 + end].to_owned());
        rest = &after[1 + end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CORE: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title>Uppföljning &amp; rapport</dc:title><dc:creator>Stadsledningskontoret</dc:creator></cp:coreProperties>"#;

    const ITEM: &str = r#"<root xmlns="urn:blankett:test"><nämnd kod="180">Östermalms stadsdelsnämnd</nämnd><rad>a</rad><rad>b</rad></root>"#;

    fn stores() -> Stores {
        let mut s = Stores::default();
        s.add(
            Some(CORE_PROPERTIES_STORE.to_lowercase()),
            CORE.as_bytes().to_vec(),
        );
        s.add(Some("{ABC}".into()), ITEM.as_bytes().to_vec());
        s
    }

    #[test]
    fn core_property_binding() {
        let v = stores().lookup(
            Some("{6C3C8BC8-F283-45AE-878A-BAB7291924A1}"),
            "/ns1:coreProperties[1]/ns0:title[1]",
            Some("xmlns:ns0='http://purl.org/dc/elements/1.1/' xmlns:ns1='http://schemas.openxmlformats.org/package/2006/metadata/core-properties'"),
        );
        assert_eq!(v.as_deref(), Some("Uppföljning & rapport"));
    }

    #[test]
    fn positions_and_attributes() {
        let s = stores();
        let m = Some("xmlns:ns0=\"urn:blankett:test\"");
        assert_eq!(
            s.lookup(Some("{abc}"), "/ns0:root[1]/ns0:rad[2]", m)
                .as_deref(),
            Some("b")
        );
        assert_eq!(
            s.lookup(Some("{abc}"), "/ns0:root[1]/ns0:nämnd[1]/@kod", m)
                .as_deref(),
            Some("180")
        );
        assert_eq!(s.lookup(Some("{abc}"), "/ns0:root[1]/ns0:rad[3]", m), None);
    }

    #[test]
    fn a_wrong_store_id_falls_back_to_any_store() {
        let v = stores().lookup(
            Some("{00000000-0000-0000-0000-000000000000}"),
            "/ns0:root[1]/ns0:nämnd[1]",
            Some("xmlns:ns0='urn:blankett:test'"),
        );
        assert_eq!(v.as_deref(), Some("Östermalms stadsdelsnämnd"));
    }

    #[test]
    fn unsupported_paths_give_nothing() {
        assert_eq!(XPath::parse("/a[last()]", ""), None);
        assert_eq!(XPath::parse("/p:a[1]", ""), None);
        assert_eq!(XPath::parse("///x", ""), None);
        assert_eq!(XPath::parse("/a//", ""), None);
        assert_eq!(XPath::parse("//@kod", ""), None);
    }

    /// Office 2007's templates bind to `//Fax` in a store without a namespace.
    #[test]
    fn a_path_starting_with_two_slashes_finds_the_node_anywhere() {
        let mut s = Stores::default();
        s.add(
            Some("{B0A906FF-DCCB-4504-81E3-1BD4F7981F3F}".into()),
            b"<CustomProps><Organization/><Fax>08-508 100 00</Fax><Phone>08-508 100 51</Phone></CustomProps>".to_vec(),
        );
        let store = Some("{B0A906FF-DCCB-4504-81E3-1BD4F7981F3F}");
        assert_eq!(
            s.lookup(store, "//Phone", None).as_deref(),
            Some("08-508 100 51")
        );
        assert_eq!(s.lookup(store, "//Organization", None).as_deref(), Some(""));
        assert_eq!(
            s.lookup(store, "//CustomProps", None).as_deref(),
            Some("08-508 100 0008-508 100 51")
        );
        assert_eq!(s.lookup(store, "//Email", None), None);
    }

    #[test]
    fn two_slashes_anywhere_in_a_path_take_the_first_node_in_document_order() {
        let s = stores();
        let m = Some("xmlns:ns0='urn:blankett:test'");
        // The position counts among each parent's children: the second `rad` of the root.
        assert_eq!(
            s.lookup(Some("{abc}"), "//ns0:rad[2]", m).as_deref(),
            Some("b")
        );
        assert_eq!(
            s.lookup(Some("{abc}"), "/ns0:root[1]//ns0:rad", m)
                .as_deref(),
            Some("a")
        );
        assert_eq!(
            s.lookup(Some("{abc}"), "//ns0:nämnd/@kod", m).as_deref(),
            Some("180")
        );
        assert_eq!(s.lookup(Some("{abc}"), "//ns0:rad[3]", m), None);
    }
}
