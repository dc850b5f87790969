//! A small WebDriver client for the browser tests: Debian's `chromedriver` started on a free
//! port, driving headless `chromium` with a fresh profile, spoken to over HTTP with `ureq`
//! (the W3C WebDriver protocol, and Chromium's own commands through `goog/cdp/execute` for
//! the phone width and whole-page screenshots). When either program is missing the tests are
//! skipped, saying so, except under CI (`CI` set), where `.ci/run` installs them and their
//! absence fails the test.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The key WebDriver names an element by in its answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A browser session, ended and its driver stopped when dropped.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

/// The first `name` on `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    /// A headless Chromium `width` pixels wide; `None` (having said why) when Chromium or its
    /// driver is not installed outside CI.
    pub fn start(width: u32) -> Option<Browser> {
        let (Some(chromium), Some(chromedriver)) = (
            on_path("chromium").or_else(|| on_path("chromium-browser")),
            on_path("chromedriver"),
        ) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "the browser tests need Chromium and its WebDriver under CI: apt-get install chromium chromium-driver"
            );
            eprintln!(
                "skipped: the browser test needs chromium and chromedriver on PATH (Debian: apt-get install chromium chromium-driver)"
            );
            return None;
        };
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().unwrap();
        let mut b = Browser {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            _profile: profile,
        };
        b.wait_ready();
        b.session = b.new_session(&chromium, width);
        Some(b)
    }

    fn wait_ready(&self) {
        let start = Instant::now();
        loop {
            let ready = agent()
                .get(format!("{}/status", self.base))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver did not get ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn new_session(&self, chromium: &Path, width: u32) -> String {
        let profile = format!("--user-data-dir={}", self._profile.path().display());
        let size = format!("--window-size={width},900");
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--lang=sv-SE", profile, size,
                ],
            },
        }}});
        let v = self.call("POST", "/session", Some(&caps));
        v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_owned()
    }

    /// A WebDriver command; its `value`, or a panic with the driver's error.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let r = match (method, body) {
            ("GET", _) => agent().get(&url).call(),
            ("DELETE", _) => agent().delete(&url).call(),
            (_, b) => agent()
                .post(&url)
                .header("Content-Type", "application/json")
                .send(serde_json::to_vec(&b.cloned().unwrap_or(json!({}))).unwrap()),
        };
        let text = r.unwrap().body_mut().read_to_string().unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let value = v["value"].clone();
        assert!(
            value.get("error").is_none(),
            "{method} {path}: {}",
            value["message"]
        );
        value
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        self.call(method, &path, body.as_ref())
    }

    /// Opens `url` and waits for it to load.
    pub fn open(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    /// The page's address now.
    pub fn url(&self) -> String {
        self.cmd("GET", "/url", None).as_str().unwrap().to_owned()
    }

    /// The first element matching `css`.
    pub fn find(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        v[ELEMENT].as_str().unwrap().to_owned()
    }

    /// Types `text` into an element; for a file input, `text` is the file's path.
    pub fn type_into(&self, element: &str, text: &str) {
        self.cmd(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        );
    }

    pub fn click(&self, element: &str) {
        self.cmd(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    /// Runs `script` (a function body) in the page; what it returns.
    pub fn run(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    /// Waits until `script` returns something truthy (at most `secs` seconds); that value.
    pub fn wait_for(&self, what: &str, secs: u64, script: &str) -> Value {
        let start = Instant::now();
        loop {
            let v = self.run(script);
            if !(v.is_null() || v == false || v == "" || v == 0) {
                return v;
            }
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "{what}: not within {secs} s; the page says: {}",
                self.run("return document.body.innerText")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Lays the page out `width` CSS pixels wide, as a phone or a desktop shows it.
    pub fn width(&self, width: u32) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600 }),
        );
    }

    fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.cmd(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": cmd, "params": params })),
        )
    }

    /// Saves the whole page as a PNG at `path`.
    pub fn screenshot(&self, path: &Path) {
        let size = self.run(
            "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]",
        );
        let shot = self.cdp(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true, "clip": {
                "x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1 } }),
        );
        let png = base64(shot["data"].as_str().unwrap());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = agent()
                .delete(format!("{}/session/{}", self.base, self.session))
                .call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Standard base64 decoded (the screenshots WebDriver sends); written out, as no test
/// dependency decodes it.
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .map(value)
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | u32::from(*d) << (18 - 6 * i));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// Where the screenshots go: `browser/` in the build's target folder, beside `debug/`.
pub fn artifacts() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/debug/deps/tests-<hash>
    exe.ancestors()
        .nth(3)
        .map_or_else(std::env::temp_dir, Path::to_path_buf)
        .join("browser")
}

#[test]
fn base64_decodes_what_it_should() {
    assert_eq!(base64("aGVq"), b"hej");
    assert_eq!(base64("aGVqIQ=="), b"hej!");
    assert_eq!(base64("aGVqIT8="), b"hej!?");
}
