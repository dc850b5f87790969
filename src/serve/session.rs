//! The page's sessions: with `--token-file`, a browser gives the token once (`POST /login`)
//! and keeps a session cookie instead, which `EventSource` and plain links send where an
//! `Authorization` header cannot be. Sessions live in memory (a restart logs everyone out)
//! and end 12 hours after login or at `POST /logout`. Their ids are 32 bytes from the
//! operating system's CSPRNG (`getrandom`), kept only by their SHA-256, so that neither the
//! time a lookup takes nor the server's memory gives one away.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::auth::Guard;
use super::problem::Problem;

/// The session cookie's name.
pub const COOKIE: &str = "blankett_session";

/// How long a session lasts after login: a working day, then the token is asked for again.
pub const LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

/// The sessions of the server: when each ends, by the SHA-256 of its id.
#[derive(Default)]
pub struct Sessions {
    ends: Mutex<HashMap<String, Instant>>,
}

impl Sessions {
    /// Starts a session at `now`; its id, base64url. Ended sessions are dropped meanwhile, so
    /// that the store holds only live ones.
    pub fn start(&self, now: Instant) -> Result<String, Problem> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| Problem::internal(format!("no random session id: {e}")))?;
        let id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let mut ends = self.lock()?;
        ends.retain(|_, end| *end > now);
        ends.insert(blankett::sha256_hex(id.as_bytes()), now + LIFETIME);
        Ok(id)
    }

    /// Whether `id` is a session that has not ended at `now`; one that has is dropped.
    pub fn is_live(&self, id: &str, now: Instant) -> bool {
        let Ok(mut ends) = self.lock() else {
            return false;
        };
        let key = blankett::sha256_hex(id.as_bytes());
        match ends.get(&key) {
            Some(end) if *end > now => true,
            Some(_) => {
                ends.remove(&key);
                false
            }
            None => false,
        }
    }

    /// Ends session `id`, if it is one.
    pub fn end(&self, id: &str) {
        if let Ok(mut ends) = self.lock() {
            ends.remove(&blankett::sha256_hex(id.as_bytes()));
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, Instant>>, Problem> {
        self.ends
            .lock()
            .map_err(|_| Problem::internal("the sessions are unavailable"))
    }
}

/// The session id the request's cookies carry.
pub fn cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// The `Set-Cookie` of session `id`: out of the page's scripts' reach, sent to this site
/// only, and over HTTPS only when the server is reached over HTTPS.
fn set_cookie(id: &str, https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/{secure}")
}

/// The `Set-Cookie` that makes the browser forget the session.
pub fn clear_cookie(https: bool) -> String {
    format!("{}; Max-Age=0", set_cookie("", https))
}

/// `POST /login` and `POST /logout`, with the guard's state.
pub fn routes<S>(guard: Arc<Guard>) -> Router<S> {
    Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout))
        .with_state(guard)
}

/// The login form's fields.
#[derive(Deserialize)]
pub struct Login {
    token: String,
    next: Option<String>,
}

/// `POST /login`: the right token starts a session and goes on to `next` (a path on this
/// site) or the page; a wrong one goes back to the login page, which says so (`fel=1`). The
/// guard has checked that the form came from this site.
async fn login(
    State(guard): State<Arc<Guard>>,
    form: Result<Form<Login>, FormRejection>,
) -> Response {
    let Form(form) = match form {
        Ok(f) => f,
        Err(e) => {
            return Problem::bad_request(format!(
                "send the login form (application/x-www-form-urlencoded, field token): {}",
                e.body_text().to_lowercase()
            ))
            .into_response();
        }
    };
    let next = form.next.as_deref().filter(|n| is_local_path(n));
    let Some(token) = guard.token() else {
        // Nothing to log in to: the server is open.
        return see_other(next.unwrap_or("/"), None);
    };
    if !bool::from(form.token.trim().as_bytes().ct_eq(token)) {
        let back = match next {
            Some(n) => format!("/login?fel=1&next={}", encode(n)),
            None => "/login?fel=1".to_owned(),
        };
        return see_other(&back, None);
    }
    match guard.sessions().start(Instant::now()) {
        Ok(id) => see_other(next.unwrap_or("/"), Some(set_cookie(&id, guard.https()))),
        Err(p) => p.into_response(),
    }
}

/// `POST /logout`: ends the session, makes the browser forget it, and goes to the login page.
async fn logout(State(guard): State<Arc<Guard>>, headers: HeaderMap) -> Response {
    if let Some(id) = cookie(&headers) {
        guard.sessions().end(id);
    }
    see_other("/login", Some(clear_cookie(guard.https())))
}

/// `303 See Other` to `location`, setting `cookie` when given.
pub fn see_other(location: &str, cookie: Option<String>) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::LOCATION,
        HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/")),
    );
    if let Some(v) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.insert(header::SET_COOKIE, v);
    }
    res
}

/// Whether `next` is a path on this site, and so safe to send a browser to after login: it
/// starts with one `/`, not two (`//evil.example` is another site) nor `/\` (which browsers
/// read as `//`), and holds no backslash, control character or anything a header cannot.
pub fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && next.chars().all(|c| c.is_ascii_graphic() && c != '\\')
}

/// `path` percent-encoded for a query string.
pub fn encode(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page adds `GET /login` (its login page) to the same path as the form's handler.
    #[test]
    fn the_login_page_can_stand_beside_the_login_form_handler() {
        let guard = Arc::new(Guard::new(None, false));
        let _router: Router = routes(guard).route("/login", axum::routing::get(|| async { "" }));
    }

    #[test]
    fn a_session_lasts_twelve_hours_from_login() {
        let sessions = Sessions::default();
        let t0 = Instant::now();
        let id = sessions.start(t0).unwrap();
        assert!(sessions.is_live(&id, t0));
        assert!(sessions.is_live(&id, t0 + LIFETIME - Duration::from_secs(1)));
        assert!(!sessions.is_live(&id, t0 + LIFETIME));
        // Once found ended it is gone, even for a clock read earlier.
        assert!(!sessions.is_live(&id, t0));
        assert!(!sessions.is_live("made-up", t0));
    }

    #[test]
    fn logout_ends_one_session_and_login_drops_the_ended() {
        let sessions = Sessions::default();
        let t0 = Instant::now();
        let a = sessions.start(t0).unwrap();
        let b = sessions.start(t0).unwrap();
        assert_ne!(a, b);
        sessions.end(&a);
        assert!(!sessions.is_live(&a, t0));
        assert!(sessions.is_live(&b, t0));
        let _c = sessions.start(t0 + LIFETIME).unwrap();
        assert_eq!(
            sessions.ends.lock().unwrap().len(),
            1,
            "b ended and was dropped"
        );
    }

    #[test]
    fn a_session_id_is_32_random_bytes_in_base64url() {
        let id = Sessions::default().start(Instant::now()).unwrap();
        assert_eq!(id.len(), 43);
        assert!(
            id.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_over_https() {
        assert_eq!(
            set_cookie("abc", false),
            "blankett_session=abc; HttpOnly; SameSite=Strict; Path=/"
        );
        assert_eq!(
            set_cookie("abc", true),
            "blankett_session=abc; HttpOnly; SameSite=Strict; Path=/; Secure"
        );
        assert!(clear_cookie(false).ends_with("Max-Age=0"));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; blankett_session=xyz ; other=1"),
        );
        assert_eq!(cookie(&h), Some("xyz"));
    }

    #[test]
    fn only_a_path_on_this_site_is_a_place_to_go_after_login() {
        for good in ["/", "/svarande/ostermalm-sdn", "/?q=1"] {
            assert!(is_local_path(good), "{good}");
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "evil",
            "",
            "/a b",
            "/\u{e5}",
        ] {
            assert!(!is_local_path(bad), "{bad}");
        }
        assert_eq!(encode("/svar/ö?x=1"), "/svar/%C3%B6%3Fx%3D1");
    }
}
