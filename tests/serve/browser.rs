//! The page in a real browser (headless Chromium over WebDriver, see `webdriver.rs`) against
//! the real binary: a form handed in through the file input turns its committee's cells
//! "Besvarad" without a reload, a form another client sends shows up the same way, the page
//! fits a phone's width, and with a token the page asks for it once. Screenshots at 1280 and
//! 390 pixels are saved under the target folder's `browser/` (`target/browser/*.png`).

use std::path::{Path, PathBuf};

use super::webdriver::{Browser, artifacts};
use super::{Server, token_file};
use crate::common::{blankett, example};

/// A folder with an output folder `ut` holding a batch of the example forms but `leave_out`.
fn examples_but(leave_out: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inkorg");
    std::fs::create_dir_all(&inbox).unwrap();
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms");
    for entry in std::fs::read_dir(forms).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if !leave_out.contains(&name.as_str()) {
            std::fs::copy(&path, inbox.join(name)).unwrap();
        }
    }
    let out = dir.path().join("ut");
    blankett()
        .args(["batch", "--out"])
        .arg(&out)
        .arg(&inbox)
        .assert()
        .success();
    (dir, out)
}

/// A script returning a respondent's cells in the matrix as `status:text`, space-separated.
fn cells(respondent: &str) -> String {
    format!(
        r#"return [...document.querySelectorAll('#matrix tr[data-respondent="{respondent}"] td')]
            .map((td) => td.dataset.status + ':' + td.textContent).join(' ')"#
    )
}

/// A script that is true once each of a respondent's cells has come in (answered or not).
fn came_in(respondent: &str) -> String {
    format!(
        r#"const cells = [...document.querySelectorAll('#matrix tr[data-respondent="{respondent}"] td')];
           return cells.length > 0 && cells.every((td) => ['answered', 'unanswered'].includes(td.dataset.status))"#
    )
}

/// How wide the page is laid out: wider than the screen when something makes it scroll
/// sideways (a phone then shrinks the whole page to fit).
fn page_width(b: &Browser) -> u64 {
    b.run("return document.documentElement.scrollWidth")
        .as_u64()
        .unwrap()
}

/// `rgb(r, g, b)` as the three numbers.
fn rgb(css: &str) -> [f64; 3] {
    let inner = css.trim_start_matches("rgb(").trim_end_matches(')');
    let n: Vec<f64> = inner
        .split(',')
        .take(3)
        .map(|v| v.trim().parse().unwrap())
        .collect();
    [n[0], n[1], n[2]]
}

/// The WCAG contrast ratio of two colours.
fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let luminance = |c: [f64; 3]| {
        let l = c.map(|v| {
            let v = v / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        });
        0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2]
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Each status in the legend has its fill from the vocabulary and text that reaches WCAG AA
/// (4.5:1) on it.
fn assert_statuses_readable(b: &Browser) {
    let samples = b.run(
        "return [...document.querySelectorAll('#legend .cell-sample')].map((e) => {
           const s = getComputedStyle(e);
           return [e.className, s.color, s.backgroundColor];
         })",
    );
    let samples = samples.as_array().unwrap();
    assert_eq!(samples.len(), 4, "{samples:?}");
    for s in samples {
        // Without a fill the background is transparent, `rgba(0, 0, 0, 0)`.
        assert!(s[2].as_str().unwrap().starts_with("rgb("), "{s}: no fill");
        let (fg, bg) = (rgb(s[1].as_str().unwrap()), rgb(s[2].as_str().unwrap()));
        assert!(contrast(fg, bg) >= 4.5, "{s}: {:.2}", contrast(fg, bg));
    }
}

/// A file dropped on the drop zone is sent too; one that is no form says why, in Swedish,
/// and what to do.
fn drop_a_text_file(b: &Browser) {
    b.run(
        "const files = new DataTransfer();
         files.items.add(new File(['hej'], 'anteckningar.txt', { type: 'text/plain' }));
         document.getElementById('drop').dispatchEvent(
           new DragEvent('drop', { dataTransfer: files, bubbles: true, cancelable: true }));",
    );
    let failed = b.wait_for(
        "the dropped file's result",
        30,
        "return document.querySelector('#results .result.failed')?.innerText",
    );
    let failed = failed.as_str().unwrap();
    assert!(failed.contains("anteckningar.txt"), "{failed}");
    assert!(failed.contains("Gör så här"), "{failed}");
    assert!(failed.contains("Felkod: not-a-word-file"), "{failed}");
    let progress = b.run("return document.getElementById('progress').textContent");
    assert_eq!(progress, "Klart: 1 fil kunde inte läsas.");
}

/// The addresses to remind, copied (or, where the browser keeps the clipboard to itself,
/// selected), and the page says which.
fn copy_the_addresses(b: &Browser) {
    let addresses = b.run("return document.getElementById('addresses').value");
    assert!(
        addresses
            .as_str()
            .unwrap()
            .contains("johan.ek@example.stockholm.se"),
        "{addresses}"
    );
    b.click(&b.find("#copy"));
    let said = b.wait_for(
        "the copy's result",
        5,
        "return document.getElementById('copy-result').textContent",
    );
    let said = said.as_str().unwrap();
    assert!(
        said == "En adress kopierad." || said.starts_with("Adresserna är markerade"),
        "{said}"
    );
}

/// A respondent's page, every answer under its question, at a phone's width and a desktop's.
fn a_respondents_page(b: &Browser, shots: &Path) {
    b.run("location.hash = '#/svar/ostermalm-sdn'");
    let heading = b.wait_for(
        "Östermalm's page",
        10,
        "return document.querySelector('#respondent:not([hidden]) h1')?.textContent",
    );
    assert_eq!(heading, "Östermalms stadsdelsnämnd");
    let page = b.run("return document.getElementById('respondent').innerText");
    let page = page.as_str().unwrap();
    for said in [
        "ostermalm-2022-T1.docx",
        "Beskriv samverkan med det lokala näringslivet",
        "Besvarad",
        // An answer of two paragraphs keeps them apart.
        "genom sitt arbete med upphandling.\n",
        "Platshållartexten står kvar",
        "← Till översikten",
    ] {
        assert!(page.contains(said), "{said}: {page}");
    }
    assert_eq!(
        page_width(b),
        390,
        "the respondent's page scrolls sideways at 390 px"
    );
    b.screenshot(&shots.join("respondent-390.png"));
    b.width(1280);
    b.screenshot(&shots.join("respondent-1280.png"));
}

#[test]
fn an_uploaded_form_turns_its_committees_cells_answered_without_a_reload() {
    let Some(b) = Browser::start(1280) else {
        return;
    };
    let (dir, out) = examples_but(&["ostermalm-2022-T1.docx", "kungsholmen-2022-T1.docx"]);
    let server = Server::start_in(dir, out, &[]);
    b.open(&server.url("/"));
    b.wait_for(
        "Östermalm's row, nothing sent",
        30,
        r#"return document.querySelector('#matrix tr[data-respondent="ostermalm-sdn"] td')?.dataset.status === 'notSubmitted'"#,
    );
    let farsta = b.run(&cells("farsta-sdn"));
    assert!(
        farsta.as_str().unwrap().starts_with("answered:✓Besvarad"),
        "{farsta}"
    );
    assert_statuses_readable(&b);
    b.run("window.notReloaded = true");

    let input = b.find("#files");
    b.type_into(&input, example().to_str().unwrap());
    let result = b.wait_for(
        "the upload's result",
        30,
        "return document.querySelector('#results .result.ok')?.innerText",
    );
    let result = result.as_str().unwrap();
    assert!(result.contains("ostermalm-2022-T1.docx"), "{result}");
    assert!(result.contains("Östermalms stadsdelsnämnd"), "{result}");
    assert!(result.contains("8 besvarade"), "{result}");
    b.wait_for("Östermalm's cells", 30, &came_in("ostermalm-sdn"));
    let row = b.run(&cells("ostermalm-sdn"));
    assert!(
        row.as_str().unwrap().starts_with("answered:✓Besvarad"),
        "{row}"
    );
    assert_eq!(
        b.run("return window.notReloaded"),
        true,
        "the page reloaded"
    );

    drop_a_text_file(&b);

    // A form another client sends reaches the page through the server's events, well before
    // the ten seconds of polling.
    b.wait_for(
        "the event stream",
        10,
        "return document.getElementById('live-state').textContent === 'Uppdateras direkt.'",
    );
    let kungsholmen =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms/kungsholmen-2022-T1.docx");
    let sent = server.upload(
        "/api/v1/forms",
        &[("kungsholmen.docx", &std::fs::read(kungsholmen).unwrap())],
    );
    assert_eq!(sent.status, 201);
    b.wait_for("Kungsholmen's cells", 5, &came_in("kungsholmen-sdn"));
    assert_eq!(
        b.run("return window.notReloaded"),
        true,
        "the page reloaded"
    );

    copy_the_addresses(&b);

    let shots = artifacts();
    b.screenshot(&shots.join("overview-1280.png"));
    b.width(390);
    assert_eq!(page_width(&b), 390, "the page scrolls sideways at 390 px");
    b.screenshot(&shots.join("overview-390.png"));

    a_respondents_page(&b, &shots);
    eprintln!("screenshots in {}", shots.display());
}

#[test]
fn with_a_token_the_page_asks_for_it_once() {
    let Some(b) = Browser::start(1280) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let token = token_file(dir.path());
    let out = dir.path().join("ut");
    let server = Server::start_in(dir, out, &["--token-file", token.to_str().unwrap()]);
    // A view of the page asked for before logging in is where the login leads.
    b.open(&server.url("/#/svar/ostermalm-sdn"));
    assert!(b.url().contains("/login"), "{}", b.url());
    assert_eq!(b.run("return document.getElementById('fel').hidden"), true);
    b.screenshot(&artifacts().join("login-1280.png"));

    let field = b.find("#token");
    b.type_into(&field, "not-the-token-at-all");
    b.click(&b.find("form.login-form button"));
    b.wait_for(
        "the wrong token's message",
        10,
        "return new URLSearchParams(location.search).get('fel') === '1'",
    );
    let said =
        b.run("const p = document.getElementById('fel'); return p.hidden ? '' : p.textContent");
    assert!(said.as_str().unwrap().contains("Fel nyckel"), "{said}");
    b.width(390);
    b.screenshot(&artifacts().join("login-wrong-390.png"));
    b.width(1280);

    let field = b.find("#token");
    b.type_into(&field, "s3cret-token-of-some-length");
    b.click(&b.find("form.login-form button"));
    b.wait_for(
        "the view asked for, after logging in",
        20,
        "return location.pathname === '/' && location.hash === '#/svar/ostermalm-sdn' \
            && document.querySelector('#respondent h1')?.textContent === 'Svarande saknas'",
    );
    b.run("location.hash = '#/'");
    b.wait_for(
        "the overview",
        10,
        "return document.getElementById('summary').textContent.includes('Inga formulär')",
    );
    assert_eq!(
        b.run("return document.getElementById('logout').hidden"),
        false,
        "no Logga ut button"
    );
    b.click(&b.find("#logout button"));
    b.wait_for(
        "the login page again",
        10,
        "return location.pathname === '/login'",
    );
}

#[test]
fn with_an_earlier_round_the_page_links_to_what_changed_since() {
    let Some(b) = Browser::start(1280) else {
        return;
    };
    let (dir, out) = examples_but(&[]);
    let previous = super::changes::earlier_round(dir.path(), &out);
    let server = Server::start_in(dir, out, &["--previous", previous.to_str().unwrap()]);
    b.open(&server.url("/#hamta"));
    b.wait_for(
        "the round",
        30,
        "return document.getElementById('title').textContent.includes('2022-T1')",
    );
    let links = b.run(
        "return [...document.querySelectorAll('#hamta a[id^=\"dl-changes-\"]')]
           .filter((a) => a.offsetParent !== null)
           .map((a) => [a.textContent, a.getAttribute('href'), getComputedStyle(a).color])",
    );
    let links = links.as_array().unwrap();
    let shown: Vec<(&str, &str)> = links
        .iter()
        .map(|l| (l[0].as_str().unwrap(), l[1].as_str().unwrap()))
        .collect();
    assert_eq!(
        shown,
        [
            ("Förändringar sedan 2021-VB, Word", "/api/v1/changes.docx"),
            ("Förändringar sedan 2021-VB, Excel", "/api/v1/changes.xlsx"),
            ("Förändringar sedan 2021-VB, Markdown", "/api/v1/changes.md"),
        ]
    );
    // Looking like the round's own links.
    let word = b.run("return getComputedStyle(document.getElementById('dl-docx')).color");
    assert!(links.iter().all(|l| l[2] == word), "{links:?}");
    b.run("document.getElementById('hamta').scrollIntoView()");
    b.screenshot(&artifacts().join("changes-1280.png"));
    b.width(390);
    assert_eq!(
        page_width(&b),
        390,
        "the links make the page scroll sideways"
    );
    b.run("document.getElementById('hamta').scrollIntoView()");
    b.screenshot(&artifacts().join("changes-390.png"));
}
