//! The web page for people: `GET /` (the page, in Swedish), `GET /login` (the login form, when
//! the server has a token) and `GET /assets/{name}` (its style sheet, scripts and icon). The
//! files live under `src/serve/page/` and are built into the binary, so the page needs no
//! network but the server's, and no build step of its own: plain HTML, CSS and JavaScript
//! modules. Nothing in a request becomes a path: an asset is looked up by name in a fixed
//! table. Every file carries an `ETag` from its content's hash and `Cache-Control: no-cache`,
//! so a browser asks again each time and is answered `304` until the binary changes.
//!
//! The page reads the round through the API (`/api/v1/...`) with the browser's session; which
//! view it shows (the overview or one respondent, `/#/svar/<id>`) is decided in the browser,
//! so the server has one page route to guard and the page keeps its upload results and its
//! event stream while the analyst moves between views.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use super::auth::Access;
use super::problem::Problem;
use super::read::known_etag;

/// The page's own files: name under `/assets/`, media type, content.
const ASSETS: &[(&str, &str, &str)] = &[
    ("app.css", CSS, include_str!("page/app.css")),
    ("app.js", JS, include_str!("page/app.js")),
    ("api.js", JS, include_str!("page/api.js")),
    ("text.js", JS, include_str!("page/text.js")),
    ("upload.js", JS, include_str!("page/upload.js")),
    ("matrix.js", JS, include_str!("page/matrix.js")),
    ("reminders.js", JS, include_str!("page/reminders.js")),
    ("respondent.js", JS, include_str!("page/respondent.js")),
    ("login.js", JS, include_str!("page/login.js")),
    ("icon.svg", SVG, include_str!("page/icon.svg")),
];

const HTML: &str = "text/html; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const SVG: &str = "image/svg+xml";

/// The page as sent: `<body data-login="off">`, which the server turns on when it has a token,
/// so the page shows its "Logga ut" button; and the links to the changes since the earlier
/// round (`<li data-changes>`, "Förändringar sedan förra omgången"), which the server names
/// for that round when it has one (`--previous`) and leaves out when it has none.
const INDEX: &str = include_str!("page/index.html");
const LOGIN: &str = include_str!("page/login.html");

/// A file of the page with its `ETag`, made once at start.
struct File {
    content_type: &'static str,
    bytes: Vec<u8>,
    etag: String,
}

impl File {
    fn new(content_type: &'static str, text: &str) -> File {
        File {
            content_type,
            etag: super::read::etag_of(text.as_bytes()),
            bytes: text.as_bytes().to_vec(),
        }
    }

    /// The file, or `304` when the client has it already.
    fn send(&self, headers: &HeaderMap) -> Response {
        let mut res = if known_etag(headers, &self.etag) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let mut res = self.bytes.clone().into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            );
            res
        };
        let h = res.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if let Ok(v) = HeaderValue::from_str(&self.etag) {
            h.insert(header::ETAG, v);
        }
        res
    }
}

/// The page's files, made once for the server's settings.
struct Pages {
    /// Whether the server has a token, and so a login page.
    login: bool,
    index: File,
    login_page: File,
    login_failed: File,
    assets: Vec<(&'static str, File)>,
}

impl Pages {
    fn new(login: bool, since: Option<&str>) -> Pages {
        let index = if login {
            INDEX.replacen(r#"data-login="off""#, r#"data-login="on""#, 1)
        } else {
            INDEX.to_owned()
        };
        let index = with_changes(&index, since);
        // The message of a wrong token is in the page, hidden; `?fel=1` shows it, so the login
        // page says it without a script.
        let failed = LOGIN.replacen(r#"id="fel" hidden"#, r#"id="fel""#, 1);
        Pages {
            login,
            index: File::new(HTML, &index),
            login_page: File::new(HTML, LOGIN),
            login_failed: File::new(HTML, &failed),
            assets: ASSETS
                .iter()
                .map(|(name, ty, text)| (*name, File::new(ty, text)))
                .collect(),
        }
    }
}

/// The page's links to the changes since the earlier round, named `since` ("Förändringar
/// sedan 2022-T1"); left out without one.
fn with_changes(index: &str, since: Option<&str>) -> String {
    match since {
        Some(since) => index.replace(UNNAMED_CHANGES, since),
        None => index
            .split_inclusive('\n')
            .filter(|line| !line.contains("<li data-changes>"))
            .collect(),
    }
}

/// The links' name in `index.html`, for a server without an earlier round's id.
const UNNAMED_CHANGES: &str = "Förändringar sedan förra omgången";

/// The page's routes. `login` says whether the server has a token: without one there is
/// nothing to log in to, and `/login` leads to the page. `since` names the changes since the
/// earlier round the server has (`--previous`): the page links to them.
pub fn routes<S: Clone + Send + Sync + 'static>(login: bool, since: Option<String>) -> Router<S> {
    Router::new()
        .route("/", get(index))
        .route("/login", get(login_page))
        .route("/assets/{name}", get(asset))
        .with_state(Arc::new(Pages::new(login, since.as_deref())))
}

/// `GET /`: the page.
async fn index(State(pages): State<Arc<Pages>>, headers: HeaderMap) -> Response {
    pages.index.send(&headers)
}

/// `?fel=1` of the login page: the token given was wrong.
#[derive(Deserialize)]
struct LoginQuery {
    fel: Option<String>,
}

/// `GET /login`: the login form, saying so when the token given was wrong. Without a token
/// there is nothing to log in to, and with a session nothing to do: both lead to the page.
async fn login_page(
    State(pages): State<Arc<Pages>>,
    Query(q): Query<LoginQuery>,
    who: Option<Extension<Access>>,
    headers: HeaderMap,
) -> Response {
    let logged_in = who.is_some_and(|Extension(a)| a == Access::Session);
    if !pages.login || logged_in {
        return Redirect::to("/").into_response();
    }
    let page = if q.fel.is_some() {
        &pages.login_failed
    } else {
        &pages.login_page
    };
    page.send(&headers)
}

/// `GET /assets/{name}`: one of the page's files, by its name in the table.
async fn asset(
    State(pages): State<Arc<Pages>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    match pages.assets.iter().find(|(n, _)| *n == name) {
        Some((_, f)) => f.send(&headers),
        None => Problem::not_found(format!("no such asset: {name}")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_holds_no_inline_script_or_style() {
        for (name, text) in [("index.html", INDEX), ("login.html", LOGIN)] {
            assert!(text.contains(r#"<html lang="sv">"#), "{name}");
            assert!(!text.contains("<style"), "{name}");
            assert!(!text.contains("style="), "{name}");
            for script in text.split("<script").skip(1) {
                let tag = &script[..script.find('>').unwrap()];
                assert!(tag.contains("src=\"/assets/"), "{name}: {tag}");
            }
            // An event handler attribute (`onclick=`) is inline script.
            for (i, _) in text.match_indices(" on") {
                let word: String = text[i + 1..]
                    .chars()
                    .take_while(char::is_ascii_lowercase)
                    .collect();
                assert!(
                    !text[i + 1 + word.len()..].starts_with('='),
                    "{name}: {word}="
                );
            }
        }
    }

    #[test]
    fn the_scripts_never_parse_data_as_html() {
        for (name, _, text) in ASSETS {
            if name.ends_with(".js") {
                for banned in [
                    "innerHTML",
                    "outerHTML",
                    "insertAdjacentHTML",
                    "eval(",
                    "document.write",
                ] {
                    assert!(!text.contains(banned), "{name} uses {banned}");
                }
            }
        }
    }

    #[test]
    fn the_logout_button_is_shown_only_with_a_token() {
        let with = Pages::new(true, None);
        let without = Pages::new(false, None);
        let text = |f: &File| String::from_utf8(f.bytes.clone()).unwrap();
        assert!(text(&with.index).contains(r#"data-login="on""#));
        assert!(text(&without.index).contains(r#"data-login="off""#));
        assert_ne!(with.index.etag, without.index.etag);
        assert!(text(&with.login_failed).contains(r#"id="fel" role="alert""#));
        assert!(text(&with.login_page).contains(r#"id="fel" hidden"#));
    }

    #[test]
    fn the_links_to_the_changes_are_there_only_with_an_earlier_round() {
        let text = |f: &File| String::from_utf8(f.bytes.clone()).unwrap();
        let with = text(&Pages::new(false, Some("Förändringar sedan 2022-T1")).index);
        let without = text(&Pages::new(false, None).index);
        for format in ["docx", "xlsx", "md"] {
            let href = format!(r#"href="/api/v1/changes.{format}""#);
            assert!(with.contains(&href), "{format}");
            assert!(!without.contains(&href), "{format}");
        }
        assert_eq!(with.matches("Förändringar sedan 2022-T1, ").count(), 3);
        assert!(!with.contains(UNNAMED_CHANGES));
        assert!(!without.contains("Förändringar"));
        assert!(without.contains(r#"id="dl-md""#) && without.contains(r#"id="dl-json""#));
    }
}
