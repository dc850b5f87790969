//! Who may do what. With `--token-file`, every request but a few open ones must carry
//! `Authorization: Bearer <token>` (systems) or a live session cookie (the page, see
//! `session.rs`); the token is compared in constant time, so that timing tells nothing of it.
//!
//! ```text
//! open to all        /healthz, /login, /assets/…  (the login page and what it is made of)
//! /api/…             bearer or session, else 401 problem
//! any other path     bearer or session, else 303 to /login (the page's routes: nothing
//!                    more to wrap them in; a handler may ask who is in, see Access)
//! ```
//!
//! A request that changes something (POST …) and is not sent with the bearer token must come
//! from the page itself (CSRF): `Sec-Fetch-Site: same-origin`, or an `Origin` whose host and
//! port are the `Host`'s; else `403` (`cross-origin`). That holds for the session's requests
//! and for `POST /login`. Without a token, the server is open (loopback only), and a browser
//! that says a request comes from another site is refused the same way, so that a web page
//! cannot send forms to the analyst's own server.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::problem::Problem;
use super::session::{self, Sessions};

/// The shortest token accepted: one that can be guessed protects nothing.
const MIN_TOKEN_LEN: usize = 16;

/// The token in `path`: its first line, trimmed; refused when it is short.
pub fn read_token(path: &Path) -> Result<Vec<u8>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: cannot read the token: {}",
            path.display(),
            e.to_string().to_lowercase()
        )
    })?;
    let token = text.lines().next().unwrap_or_default().trim();
    if token.len() < MIN_TOKEN_LEN {
        return Err(format!(
            "{}: the token must be at least {MIN_TOKEN_LEN} characters on its first line",
            path.display()
        ));
    }
    Ok(token.as_bytes().to_vec())
}

/// What the guard knows: the token, the sessions, and whether clients come over HTTPS.
pub struct Guard {
    token: Option<Vec<u8>>,
    sessions: Sessions,
    https: bool,
}

impl Guard {
    /// A guard of `token` (none: the server is open), marking cookies `Secure` when clients
    /// reach the server over `https`.
    pub fn new(token: Option<Vec<u8>>, https: bool) -> Guard {
        Guard {
            token,
            sessions: Sessions::default(),
            https,
        }
    }

    /// The token, when one is set.
    pub fn token(&self) -> Option<&[u8]> {
        self.token.as_deref()
    }

    /// The sessions of the page.
    pub fn sessions(&self) -> &Sessions {
        &self.sessions
    }

    /// Whether clients reach the server over HTTPS.
    pub fn https(&self) -> bool {
        self.https
    }
}

/// Who a request comes from, as the guard found; in the request's extensions for the
/// handlers (the login page sends one already in to the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token is set: everyone may do everything.
    Open,
    /// The request carries the token.
    Bearer,
    /// The request carries a live session cookie.
    Session,
    /// Neither; only the open paths answer.
    Anonymous,
}

/// Paths every client may reach: the health check, and the login page with its assets.
fn is_open(path: &str) -> bool {
    path == "/healthz" || path == "/login" || path.starts_with("/assets/")
}

/// Lets a request through as the module's table says; answers `401`, `303` to the login
/// page, or `403` otherwise.
pub async fn guard(State(guard): State<Arc<Guard>>, mut req: Request, next: Next) -> Response {
    let access = match access(&guard, req.headers()) {
        Ok(a) => a,
        Err(_) if is_open(req.uri().path()) => Access::Anonymous,
        Err(given) => return unauthorized(given),
    };
    let path = req.uri().path();
    if access == Access::Anonymous && !is_open(path) {
        if path.starts_with("/api/") {
            return unauthorized(false);
        }
        let stale = session::cookie(req.headers()).is_some();
        let back = req.uri().path_and_query().map_or(path, |p| p.as_str());
        return to_login(back, stale.then(|| session::clear_cookie(guard.https())));
    }
    if changes_something(req.method()) {
        let origin = origin(req.headers());
        let refused = match access {
            Access::Bearer => false,
            Access::Open => origin == Origin::Cross,
            Access::Session | Access::Anonymous => origin != Origin::Same,
        };
        if refused {
            return cross_origin();
        }
    }
    req.extensions_mut().insert(access);
    next.run(req).await
}

/// Who the request comes from; `Err` (whether a token was given) for a wrong bearer token,
/// which no cookie makes right.
fn access(guard: &Guard, headers: &HeaderMap) -> Result<Access, bool> {
    let Some(token) = guard.token() else {
        return Ok(Access::Open);
    };
    let bearer = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")));
    match bearer {
        Some(Some(given)) if bool::from(given.trim().as_bytes().ct_eq(token)) => Ok(Access::Bearer),
        Some(_) => Err(true),
        None => match session::cookie(headers) {
            Some(id) if guard.sessions().is_live(id, Instant::now()) => Ok(Access::Session),
            _ => Ok(Access::Anonymous),
        },
    }
}

/// Whether a request of `method` may change something (what CSRF is about).
fn changes_something(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Where a browser says a request comes from.
#[derive(Debug, PartialEq, Eq)]
enum Origin {
    /// This site's own page.
    Same,
    /// Another site.
    Cross,
    /// It does not say (no browser, or a very old one).
    Unknown,
}

/// Where the request comes from: `Sec-Fetch-Site: same-origin`, or an `Origin` naming the
/// `Host`, is this site; any other `Origin` or `Sec-Fetch-Site` is another.
fn origin(headers: &HeaderMap) -> Origin {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let fetch_site = text(header::HeaderName::from_static("sec-fetch-site"));
    if fetch_site == Some("same-origin") {
        return Origin::Same;
    }
    if let Some(origin) = text(header::ORIGIN) {
        let host = text(header::HOST).unwrap_or_default();
        return if names_host(origin, host) {
            Origin::Same
        } else {
            Origin::Cross
        };
    }
    if fetch_site.is_some() || headers.contains_key(header::ORIGIN) {
        Origin::Cross
    } else {
        Origin::Unknown
    }
}

/// Whether `origin` (`https://blankett.stad.se`) names the same host and port as `host`
/// (`blankett.stad.se`, or with `:443`): a port left out is the scheme's.
fn names_host(origin: &str, host: &str) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let default = match scheme {
        "https" => "443",
        "http" => "80",
        _ => return false,
    };
    !host.is_empty() && with_port(authority, default) == with_port(host, default)
}

/// `authority` lower-cased, with `port` when it names none (an IPv6 literal's colons are in
/// its brackets: `[::1]` names none, `[::1]:8080` does).
fn with_port(authority: &str, port: &str) -> String {
    let a = authority.to_ascii_lowercase();
    let named = a
        .rsplit_once(':')
        .is_some_and(|(_, p)| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    if named { a } else { format!("{a}:{port}") }
}

fn unauthorized(given: bool) -> Response {
    let detail = if given {
        "the bearer token is not the server's"
    } else {
        "send the server's token as `Authorization: Bearer <token>`, or log in at /login"
    };
    let mut res = Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail).into_response();
    res.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"blankett\""),
    );
    res
}

fn cross_origin() -> Response {
    Problem::new(
        StatusCode::FORBIDDEN,
        "cross-origin",
        "the request does not come from this site's page (Sec-Fetch-Site or Origin); send the token as `Authorization: Bearer <token>` from elsewhere",
    )
    .into_response()
}

/// `303` to the login page, which comes back to `path` (and query) afterwards; `clear`
/// forgets a session that has ended.
fn to_login(path: &str, clear: Option<String>) -> Response {
    let location = if path == "/" || !session::is_local_path(path) {
        "/login".to_owned()
    } else {
        format!("/login?next={}", session::encode(path))
    };
    session::see_other(&location, clear)
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::extract::Extension;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    const TOKEN: &str = "s3cret-token-of-some-length";

    /// The guard in front of placeholder routes: a page (`/`, `/svar`), the login page, and
    /// an API path that answers GET and POST; each says who it let in.
    fn app(token: Option<&str>) -> (Router, Arc<Guard>) {
        let guard = Arc::new(Guard::new(token.map(|t| t.as_bytes().to_vec()), false));
        let who = |Extension(a): Extension<Access>| async move { format!("{a:?}") };
        let router = Router::new()
            .route("/", get(who))
            .route("/svar", get(who))
            .route("/login", get(who))
            .route("/api/v1/x", get(who).post(who))
            .layer(axum::middleware::from_fn_with_state(
                guard.clone(),
                super::guard,
            ));
        (router, guard)
    }

    async fn call(router: &Router, method: &str, uri: &str, headers: &[(&str, &str)]) -> Response {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "127.0.0.1:8080");
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        router
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    async fn body(res: Response) -> String {
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    fn location(res: &Response) -> &str {
        res.headers()[header::LOCATION].to_str().unwrap()
    }

    #[tokio::test]
    async fn a_page_without_a_session_goes_to_the_login_page_and_the_api_says_401() {
        let (router, _) = app(Some(TOKEN));
        let res = call(&router, "GET", "/", &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/login");
        let res = call(&router, "GET", "/svar?id=a", &[]).await;
        assert_eq!(location(&res), "/login?next=/svar%3Fid%3Da");
        let res = call(&router, "GET", "/api/v1/x", &[]).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let res = call(&router, "GET", "/login", &[]).await;
        assert_eq!(body(res).await, "Anonymous");
    }

    #[tokio::test]
    async fn a_live_session_opens_the_page_and_the_api() {
        let (router, guard) = app(Some(TOKEN));
        let id = guard.sessions().start(Instant::now()).unwrap();
        let cookie = format!("{}={id}", session::COOKIE);
        let res = call(&router, "GET", "/", &[("cookie", &cookie)]).await;
        assert_eq!(body(res).await, "Session");
        let res = call(&router, "GET", "/api/v1/x", &[("cookie", &cookie)]).await;
        assert_eq!(body(res).await, "Session");
        // An ended session is forgotten on the way to the login page.
        guard.sessions().end(&id);
        let res = call(&router, "GET", "/", &[("cookie", &cookie)]).await;
        assert_eq!(location(&res), "/login");
        let set = res.headers()[header::SET_COOKIE].to_str().unwrap();
        assert!(
            set.starts_with("blankett_session=;") && set.ends_with("Max-Age=0"),
            "{set}"
        );
    }

    #[tokio::test]
    async fn a_post_with_the_cookie_must_come_from_the_page_and_one_with_the_token_need_not() {
        let (router, guard) = app(Some(TOKEN));
        let id = guard.sessions().start(Instant::now()).unwrap();
        let cookie = format!("{}={id}", session::COOKIE);
        let post = |headers: Vec<(&'static str, String)>| {
            let router = router.clone();
            async move {
                let headers: Vec<(&str, &str)> =
                    headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
                call(&router, "POST", "/api/v1/x", &headers).await.status()
            }
        };
        let c = || ("cookie", cookie.clone());
        assert_eq!(post(vec![c()]).await, StatusCode::FORBIDDEN);
        for refused in [
            ("origin", "http://evil.example"),
            ("origin", "http://127.0.0.1:8081"),
            ("origin", "null"),
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-site", "same-site"),
        ] {
            let h = vec![c(), (refused.0, refused.1.to_owned())];
            assert_eq!(post(h).await, StatusCode::FORBIDDEN, "{refused:?}");
        }
        for same in [
            ("origin", "http://127.0.0.1:8080"),
            ("sec-fetch-site", "same-origin"),
        ] {
            let h = vec![c(), (same.0, same.1.to_owned())];
            assert_eq!(post(h).await, StatusCode::OK, "{same:?}");
        }
        let bearer = ("authorization", format!("Bearer {TOKEN}"));
        assert_eq!(post(vec![bearer]).await, StatusCode::OK);
        let res = call(&router, "POST", "/api/v1/x", &[("cookie", &cookie)]).await;
        assert!(body(res).await.contains("\"cross-origin\""));
    }

    #[tokio::test]
    async fn without_a_token_all_is_open_but_another_site_may_not_post() {
        let (router, _) = app(None);
        let res = call(&router, "GET", "/", &[]).await;
        assert_eq!(body(res).await, "Open");
        let res = call(&router, "POST", "/api/v1/x", &[]).await;
        assert_eq!(res.status(), StatusCode::OK, "a client that is no browser");
        let res = call(
            &router,
            "POST",
            "/api/v1/x",
            &[("origin", "http://evil.example")],
        )
        .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }

    #[test]
    fn an_origin_names_the_host_with_the_schemes_port() {
        assert!(names_host("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assert!(names_host("https://Blankett.Stad.se", "blankett.stad.se"));
        assert!(names_host(
            "https://blankett.stad.se",
            "blankett.stad.se:443"
        ));
        assert!(names_host("http://[::1]:8080", "[::1]:8080"));
        assert!(names_host("http://[::1]", "[::1]:80"));
        assert!(!names_host(
            "http://blankett.stad.se",
            "blankett.stad.se:443"
        ));
        assert!(!names_host(
            "https://blankett.stad.se.evil.example",
            "blankett.stad.se"
        ));
        assert!(!names_host("null", "blankett.stad.se"));
        assert!(!names_host("http://x", ""));
    }
}
