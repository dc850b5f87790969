//! What the page needs of the server: the vocabulary in Swedish, the round's changes as
//! server-sent events, the submissions as one ZIP, and the session a browser keeps (login,
//! the cookie, the same-origin check of its POSTs).

use serde_json::Value;

use super::Server;

#[test]
fn codes_give_every_status_error_and_warning_in_swedish() {
    let server = Server::start(&[]);
    let r = server.get("/api/v1/codes");
    assert_eq!(r.status, 200);
    assert_eq!(r.media_type(), "application/json");
    let v = r.json();
    let statuses = v["statuses"].as_object().unwrap();
    let keys: Vec<&str> = statuses.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "answered",
            "unanswered",
            "missing",
            "notSubmitted",
            "formFailed"
        ]
    );
    assert_eq!(v["statuses"]["answered"]["symbol"], "✓");
    assert_eq!(v["statuses"]["answered"]["label"], "Besvarad");
    assert_eq!(v["statuses"]["answered"]["colour"], "C6EFCE");
    // Every code report.json can record, as its schema lists them.
    let schema: Value =
        serde_json::from_str(include_str!("../../schemas/report.schema.json")).unwrap();
    let listed = schema["$defs"]["error"]["properties"]["code"]["description"]
        .as_str()
        .unwrap();
    let errors = v["errors"].as_object().unwrap();
    for code in listed.split('`').skip(1).step_by(2) {
        let e = &errors[code];
        for field in ["title", "meaning", "action"] {
            assert!(e[field].as_str().is_some_and(|t| !t.is_empty()), "{code}");
        }
    }
    assert_eq!(
        v["errors"]["legacy-doc"]["meaning"],
        "Filen är i Word 97–2003-format (.doc)."
    );
    assert!(errors.contains_key("not-a-word-file"));
    // Every warning code the submission schema lists.
    let schema: Value =
        serde_json::from_str(include_str!("../../schemas/submission.schema.json")).unwrap();
    let listed = schema["$defs"]["warning"]["properties"]["code"]["description"]
        .as_str()
        .unwrap();
    let warnings = v["warnings"].as_object().unwrap();
    let mut count = 0;
    for code in listed.split('`').skip(1).step_by(2) {
        let w = &warnings[code];
        assert!(w["title"].as_str().is_some_and(|t| !t.is_empty()), "{code}");
        assert!(
            w["meaning"].as_str().is_some_and(|t| !t.is_empty()),
            "{code}"
        );
        count += 1;
    }
    assert!(count >= 24, "{count} warning codes listed");
}
