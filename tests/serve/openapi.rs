//! The OpenAPI document against the server: it parses as OpenAPI 3.1, every `$ref` in it (and
//! in the JSON Schemas it refers to, fetched from the server) resolves, and every operation it
//! lists answers with a status and media type it lists, the JSON bodies valid against their
//! schemas.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::{DOCX, Reply, Server, agent, form, no_redirects, send};

const DOC: &str = "/api/v1/openapi.json";

/// The path `reference` names, seen from the document at `base`.
fn join(base: &str, reference: &str) -> String {
    let dir = &base[..=base.rfind('/').unwrap()];
    format!("{dir}{reference}")
}

/// Every `$ref` in `v`.
fn refs(v: &Value, into: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                into.push(r.clone());
            }
            m.values().for_each(|x| refs(x, into));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, into)),
        _ => {}
    }
}

/// Resolves every `$ref` of the document, and of each document it leads to, by fetching them.
fn all_refs_resolve(server: &Server) -> HashMap<String, Value> {
    let mut docs: HashMap<String, Value> = HashMap::new();
    let mut todo = vec![DOC.to_owned()];
    let mut checked = BTreeSet::new();
    while let Some(path) = todo.pop() {
        if docs.contains_key(&path) {
            continue;
        }
        let r = server.get(&path);
        assert_eq!(r.status, 200, "{path} is referred to but not served");
        let doc = r.json();
        let mut found = Vec::new();
        refs(&doc, &mut found);
        docs.insert(path.clone(), doc);
        for reference in found {
            let (file, pointer) = reference.split_once('#').unwrap_or((&reference, ""));
            let target = if file.is_empty() {
                path.clone()
            } else {
                join(&path, file)
            };
            if !docs.contains_key(&target) {
                todo.push(target.clone());
            }
            checked.insert((target, pointer.to_owned(), reference.clone()));
        }
    }
    for (target, pointer, reference) in &checked {
        let doc = &docs[target];
        assert!(
            doc.pointer(pointer).is_some(),
            "{reference} ({target}#{pointer}) does not resolve"
        );
    }
    assert!(checked.len() > 20, "only {} references", checked.len());
    docs
}

/// The response object, through its `$ref` if it has one.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap(),
        None => v,
    }
}

/// A validator of JSON Schema `name` (every served schema known by its `$id`).
fn validator(docs: &HashMap<String, Value>, name: &str) -> jsonschema::Validator {
    let mut registry = jsonschema::Registry::new();
    for (path, doc) in docs {
        if let Some(id) = doc["$id"].as_str().filter(|_| path.contains("/schemas/")) {
            registry = registry
                .add(id, jsonschema::Resource::from_contents(doc.clone()))
                .unwrap();
        }
    }
    let registry = registry.prepare().unwrap();
    jsonschema::options()
        .with_registry(&registry)
        .build(&docs[&format!("/api/v1/{name}")])
        .unwrap()
}

/// Calls one operation as a client reading the document would.
fn call(server: &Server, method: &str, url_path: &str) -> Reply {
    match method {
        // An event stream does not end: its head is the answer.
        "get" if url_path.ends_with("/events") => {
            let r = agent().get(server.url(url_path)).call().unwrap();
            let headers = r
                .headers()
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_owned()))
                .collect();
            Reply {
                status: r.status().as_u16(),
                headers,
                body: Vec::new(),
            }
        }
        "get" => server.get(url_path),
        // The page's login and logout: a form, from the page.
        "post" if !url_path.starts_with("/api/") => send(
            no_redirects()
                .post(server.url(url_path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Sec-Fetch-Site", "same-origin")
                .send("token=not-needed-without-a-token"),
        ),
        "post" => send(
            agent()
                .post(server.url(&format!("{url_path}?filename=Ostermalm.docx")))
                .header("Content-Type", DOCX)
                .send(&form()[..]),
        ),
        other => panic!("an operation the test does not call: {other}"),
    }
}

#[test]
fn every_path_in_the_openapi_document_answers_as_it_says() {
    let server = Server::start(&[]);
    let id = server
        .upload_raw("/api/v1/forms", "Ostermalm.docx", &form())
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let docs = all_refs_resolve(&server);
    let doc = &docs[DOC];
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    let base = doc["servers"][0]["url"].as_str().unwrap();
    let mut called = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let prefix = item["servers"][0]["url"]
            .as_str()
            .unwrap_or(base)
            .trim_end_matches('/');
        let url_path = format!("{prefix}{path}")
            .replace("{id}", &id)
            .replace("{name}", "round.schema.json");
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            let r = call(&server, method, &url_path);
            let what = format!("{method} {url_path}: {}", r.status);
            let listed = op["responses"]
                .get(r.status.to_string())
                .unwrap_or_else(|| panic!("{what} is not a listed response"));
            let response = resolve(doc, listed);
            if response.get("content").is_none() {
                assert!(r.body.is_empty(), "{what} sent a body it does not list");
                called += 1;
                continue;
            }
            let media = response["content"]
                .get(r.media_type())
                .unwrap_or_else(|| panic!("{what} sent {}, not a listed type", r.media_type()));
            if let Some(schema) = media["schema"]["$ref"]
                .as_str()
                .filter(|s| s.starts_with("schemas/"))
            {
                let errors: Vec<String> = validator(&docs, schema)
                    .iter_errors(&r.json())
                    .map(|e| format!("{}: {e}", e.instance_path()))
                    .collect();
                assert!(errors.is_empty(), "{what}: {}", errors.join("\n"));
            }
            called += 1;
        }
    }
    assert_eq!(called, 22, "every operation called");
}
