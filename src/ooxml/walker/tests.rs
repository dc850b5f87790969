//! The walker tested on whole parts: the controls, flow, notes, comments and warnings that come
//! out of small WordprocessingML stories, and the limits that refuse hostile ones.

use super::*;
use crate::model::{ControlType, Level, Origin, PlaceholderSignal, Status, Value};
use crate::package::Limits;

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml""#;

/// Walks a whole part with empty styles, glossary and stores, at most 64 levels deep.
fn walk_xml(xml: &str, part: &str, story: Story) -> Result<PartResult> {
    walk_within(xml, part, story, &Budget::new(&Limits::default()))
}

fn walk_within(xml: &str, part: &str, story: Story, budget: &Budget) -> Result<PartResult> {
    let styles = Styles::default();
    let glossary = Glossary::default();
    let notes = HashMap::new();
    let mut links = HashMap::new();
    links.insert("rId9".to_owned(), "https://start.stockholm/".to_owned());
    let ctx = Context {
        styles: &styles,
        glossary: &glossary,
        notes: &notes,
        links: &links,
        max_depth: 64,
        budget,
    };
    walk(&ctx, part, story, xml.as_bytes())
}

fn body_xml(body: &str) -> String {
    format!("<w:document {NS}><w:body>{body}</w:body></w:document>")
}

fn read(body: &str) -> PartResult {
    walk_xml(&body_xml(body), "word/document.xml", Story::Body).unwrap()
}

fn sdt(props: &str, content: &str) -> String {
    format!("<w:sdt><w:sdtPr>{props}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>")
}

fn p(runs: &str) -> String {
    format!("<w:p>{runs}</w:p>")
}

fn r(text: &str) -> String {
    format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#)
}

fn flow_texts(res: &PartResult) -> Vec<String> {
    res.flow
        .iter()
        .filter_map(|f| match f {
            FlowItem::Paragraph { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn runs_split_mid_word_join_and_word_noise_is_ignored() {
    let body = sdt(
        r#"<w:alias w:val="Nämnd"/><w:tag w:val="namnd"/><w:id w:val="-1254318773"/>"#,
        &p(&format!(
            r#"<w:bookmarkStart w:id="0" w:name="_GoBack"/>{}<w:proofErr w:type="spellStart"/>{}<w:proofErr w:type="spellEnd"/><w:bookmarkEnd w:id="0"/><w:r><w:lastRenderedPageBreak/><w:t xml:space="preserve"> stadsdelsnämnd</w:t></w:r>"#,
            r("Öster"),
            r("malms")
        )),
    );
    let res = read(&body);
    let c = &res.controls[0];
    assert_eq!(c.text, "Östermalms stadsdelsnämnd");
    assert_eq!(c.tag.as_deref(), Some("namnd"));
    assert_eq!(c.alias.as_deref(), Some("Nämnd"));
    assert_eq!(c.id, Some(-1254318773));
    assert_eq!(c.level, Level::Block);
    assert_eq!(c.status, Status::Answered);
}

#[test]
fn levels_follow_where_the_control_stands() {
    let inline = p(&format!("{}{}", r("Nämnd: "), sdt("", &r("Östermalm"))));
    let row = format!(
        "<w:tbl>{}</w:tbl>",
        sdt("", &format!("<w:tr><w:tc>{}</w:tc></w:tr>", p(&r("rad"))))
    );
    let cell = format!(
        "<w:tbl><w:tr>{}</w:tr></w:tbl>",
        sdt("", &format!("<w:tc>{}</w:tc>", p(&r("cell"))))
    );
    let res = read(&format!("{inline}{row}{cell}"));
    let levels: Vec<Level> = res.controls.iter().map(|c| c.level).collect();
    assert_eq!(levels, vec![Level::Inline, Level::Row, Level::Cell]);
    assert!(res.controls[1].in_table);
    assert_eq!(
        res.controls
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>(),
        vec!["Östermalm", "rad", "cell"]
    );
}

#[test]
fn flow_keeps_text_outside_controls_and_the_full_line() {
    let res = read(&p(&format!("{}{}", r("Nämnd: "), sdt("", &r("Östermalm")))));
    match &res.flow[0] {
        FlowItem::Paragraph {
            text,
            full_text,
            controls,
            ..
        } => {
            assert_eq!(text, "Nämnd:");
            assert_eq!(full_text.as_deref(), Some("Nämnd: Östermalm"));
            assert_eq!(controls, &vec![0]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn nested_controls_keep_their_nesting_and_text() {
    let inner = sdt(r#"<w:tag w:val="inner"/>"#, &r("inre"));
    let body = sdt(
        r#"<w:tag w:val="outer"/>"#,
        &format!("{}{}", p(&format!("{}{inner}", r("yttre "))), p(&r("mer"))),
    );
    let res = read(&body);
    assert_eq!(res.controls.len(), 2);
    assert_eq!(res.controls[0].children, vec![1]);
    assert_eq!(res.controls[1].parent, Some(0));
    assert_eq!(res.controls[0].text, "yttre inre\nmer");
    assert_eq!(res.controls[1].text, "inre");
    assert_eq!(res.controls[1].level, Level::Inline);
}

#[test]
fn a_nested_placeholder_is_not_part_of_the_answer_around_it() {
    let inner = sdt(
        r#"<w:showingPlcHdr/><w:dropDownList><w:listItem w:displayText="Ja" w:value="ja"/></w:dropDownList>"#,
        &r("Välj ett objekt."),
    );
    let res = read(&sdt("", &p(&format!("{}{inner}", r("Svar: ")))));
    assert_eq!(res.controls[0].text, "Svar:");
    assert_eq!(res.controls[1].status, Status::Placeholder);
    assert_eq!(res.controls[1].text, "Välj ett objekt.");
}

/// LibreOffice drops `w:showingPlcHdr`: the inner controls are then placeholders by their text
/// alone, known at their end, and the answers around them must still leave that text out.
#[test]
fn a_nested_placeholder_without_its_mark_is_not_part_of_the_answer_around_it() {
    let unmarked = |text: &str| sdt("<w:text/>", &r(text));
    let only_placeholders = sdt(
        "",
        &p(&format!(
            "{}{}",
            unmarked("Klicka här för att ange text."),
            unmarked("Välj ett objekt.")
        )),
    );
    let body = sdt(
        r#"<w:tag w:val="kontakt"/>"#,
        &format!(
            "{}{}{only_placeholders}",
            p(&format!(
                "{}{}",
                r("Nämnd: "),
                unmarked("Klicka här för att ange text.")
            )),
            p(&format!("{}{}", r("Telefon: "), unmarked("08-508 100 51"))),
        ),
    );
    let res = read(&body);
    let texts: Vec<(&str, Status)> = res
        .controls
        .iter()
        .map(|c| (c.text.as_str(), c.status))
        .collect();
    assert_eq!(
        texts,
        [
            ("Nämnd:\nTelefon: 08-508 100 51", Status::Answered),
            ("Klicka här för att ange text.", Status::Placeholder),
            ("08-508 100 51", Status::Answered),
            ("", Status::Empty),
            ("Klicka här för att ange text.", Status::Placeholder),
            ("Välj ett objekt.", Status::Placeholder),
        ]
    );
}

#[test]
fn a_note_holds_no_placeholder_text_of_a_control_in_it() {
    let xml = format!(
        r#"<w:footnotes {NS}><w:footnote w:id="1">{}</w:footnote></w:footnotes>"#,
        p(&format!(
            "{}{}",
            r("Källa: "),
            sdt("<w:text/>", &r("Klicka här för att ange text."))
        ))
    );
    let res = walk_xml(&xml, "word/footnotes.xml", Story::Footnote).unwrap();
    assert_eq!(res.controls[0].status, Status::Placeholder);
    assert_eq!(res.notes[0].2.whole, "Källa:");
}

/// Word's markup for a control removed with tracked changes: a range around each of its
/// tags. Accepted, the control is gone and its text stays where it stood.
#[test]
fn a_control_whose_markup_was_deleted_is_gone_and_its_text_stays() {
    let removed = |id: u8, content: &str| {
        format!(
            r#"<w:customXmlDelRangeStart w:id="{id}" w:author="A"/>{}<w:customXmlDelRangeEnd w:id="{}"/>"#,
            sdt(
                r#"<w:tag w:val="namnd"/><w:text/>"#,
                &format!(
                    r#"<w:customXmlDelRangeEnd w:id="{id}"/>{content}<w:customXmlDelRangeStart w:id="{}" w:author="A"/>"#,
                    id + 1
                )
            ),
            id + 1
        )
    };
    let deleted_text =
        r#"<w:del w:id="9" w:author="A"><w:r><w:delText>Norrmalm</w:delText></w:r></w:del>"#;
    let body = format!(
        "{}{}",
        p(&format!(
            "{}{}",
            removed(1, &r("Östermalm")),
            r(" stadsdelsnämnd")
        )),
        p(&format!("{}{}", r("Nämnd: "), removed(3, deleted_text))),
    );
    let res = read(&body);
    assert!(res.controls.is_empty(), "{:?}", res.controls);
    assert_eq!(flow_texts(&res), ["Östermalm stadsdelsnämnd", "Nämnd:"]);
    assert!(res.tracked_changes);
}

/// A control moved with tracked changes: the copy moved away is gone, the copy moved here is
/// the control.
#[test]
fn a_moved_control_is_read_once_where_it_was_moved_to() {
    let copy = |from: bool| {
        let (kind, content) = match from {
            true => ("MoveFrom", "moveFrom"),
            false => ("MoveTo", "moveTo"),
        };
        let paragraph = format!(
            r#"<w:p><w:pPr><w:rPr><w:{content} w:id="5" w:author="A"/></w:rPr></w:pPr><w:{content} w:id="6" w:author="A"><w:r><w:t>Samverkan sker med SBR.</w:t></w:r></w:{content}></w:p>"#
        );
        format!(
            r#"<w:customXml{kind}RangeStart w:id="1" w:author="A"/>{}<w:customXml{kind}RangeEnd w:id="2"/>"#,
            sdt(
                r#"<w:tag w:val="samverkan"/>"#,
                &format!(
                    r#"<w:customXml{kind}RangeEnd w:id="1"/>{paragraph}<w:customXml{kind}RangeStart w:id="2" w:author="A"/>"#
                )
            )
        )
    };
    let body = format!("{}{}{}", copy(true), p(&r("Fråga 2")), copy(false));
    let res = read(&body);
    assert_eq!(res.controls.len(), 1);
    assert_eq!(res.controls[0].tag.as_deref(), Some("samverkan"));
    assert_eq!(res.controls[0].text, "Samverkan sker med SBR.");
    assert_eq!(flow_texts(&res), ["Fråga 2"]);
}

#[test]
fn tracked_changes_read_as_if_accepted() {
    let body = sdt(
        "",
        &format!(
            r#"<w:p>{}<w:ins w:id="1" w:author="A"><w:r><w:t>nytt </w:t></w:r></w:ins><w:del w:id="2" w:author="A"><w:r><w:delText>gammalt </w:delText></w:r></w:del><w:moveFrom w:id="3"><w:r><w:t>flyttat</w:t></w:r></w:moveFrom>{}</w:p>"#,
            r("Ett "),
            r("svar")
        ),
    );
    let res = read(&body);
    assert_eq!(res.controls[0].text, "Ett nytt svar");
    assert!(res.controls[0].tracked_changes);
    assert!(res.tracked_changes);
}

#[test]
fn a_deleted_paragraph_mark_joins_the_next_paragraph() {
    let body = sdt(
        "",
        &format!(
            r#"<w:p><w:pPr><w:rPr><w:del w:id="1" w:author="A"/></w:rPr></w:pPr>{}</w:p>{}"#,
            r("första "),
            p(&r("andra"))
        ),
    );
    assert_eq!(read(&body).controls[0].text, "första andra");
}

#[test]
fn field_codes_are_never_text_and_results_are() {
    let field = r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DATE \@ "yyyy-MM-dd" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2022-04-30</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
    let simple = r#"<w:fldSimple w:instr=" PAGE "><w:r><w:t>3</w:t></w:r></w:fldSimple>"#;
    let res = read(&sdt(
        "",
        &p(&format!("{}{field}{}{simple}", r("Datum "), r(" sid "))),
    ));
    assert_eq!(res.controls[0].text, "Datum 2022-04-30 sid 3");
}

#[test]
fn hyperlink_fields_and_elements_keep_their_targets() {
    let field = r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "https://example.org/" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>exempel</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
    let element = format!(r#"<w:hyperlink r:id="rId9">{}</w:hyperlink>"#, r("start"));
    let res = read(&sdt("", &p(&format!("{field}{}{element}", r(" och ")))));
    let crate::model::Block::Paragraph { links, text } = &res.controls[0].blocks[0] else {
        panic!()
    };
    assert_eq!(text, "exempel och start");
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].target, "https://example.org/");
    assert_eq!(links[1].target, "https://start.stockholm/");
    assert_eq!(links[1].text, "start");
}

#[test]
fn legacy_form_fields_are_controls() {
    let text = r#"<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Namn"/><w:enabled/><w:textInput><w:default w:val="Skriv namnet"/></w:textInput></w:ffData></w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> FORMTEXT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Helena</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
    let check = r#"<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Kryss"/><w:checkBox><w:sizeAuto/><w:default w:val="0"/><w:checked/></w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
    let drop = r#"<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Val"/><w:ddList><w:result w:val="1"/><w:listEntry w:val="Ja"/><w:listEntry w:val="Nej"/></w:ddList></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMDROPDOWN </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
    let res = read(&p(&format!("{text}{check}{drop}")));
    let c = &res.controls;
    assert_eq!(c.len(), 3);
    assert!(c.iter().all(|c| c.origin == Origin::LegacyFormField));
    assert_eq!(
        (c[0].tag.as_deref(), c[0].text.as_str()),
        (Some("Namn"), "Helena")
    );
    assert_eq!(c[0].control_type, ControlType::LegacyText);
    assert_eq!(c[1].value, Some(Value::Boolean(true)));
    assert_eq!(c[2].text, "Nej");
    assert!(matches!(&c[2].value, Some(Value::Choice { value, .. }) if value == "Nej"));
}

#[test]
fn a_legacy_text_field_still_showing_its_default_is_a_placeholder() {
    let f = r#"<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="T"/><w:textInput><w:default w:val="Skriv här"/></w:textInput></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMTEXT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Skriv här</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
    let blank = "<w:r><w:fldChar w:fldCharType=\"begin\"><w:ffData><w:textInput/></w:ffData></w:fldChar></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>\u{2002}\u{2002}\u{2002}\u{2002}\u{2002}</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>";
    let res = read(&p(&format!("{f}{blank}")));
    assert_eq!(res.controls[0].status, Status::Placeholder);
    assert_eq!(
        res.controls[0].placeholder_signal,
        Some(PlaceholderSignal::LegacyDefault)
    );
    assert_eq!(res.controls[1].status, Status::Empty);
}

#[test]
fn alternate_content_is_read_once() {
    let inner = sdt(r#"<w:tag w:val="box"/>"#, &p(&r("i rutan")));
    let body = p(&format!(
        r#"<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"#
    ));
    let res = read(&body);
    assert_eq!(res.controls.len(), 1);
    assert!(res.controls[0].in_text_box);
    assert_eq!(res.controls[0].level, Level::Block);
    assert_eq!(res.controls[0].text, "i rutan");
}

/// A Strict document's text box: DrawingML only (no `mc:Fallback`), its content in `wne:`.
#[test]
fn a_strict_text_box_is_a_text_box() {
    let box_content = format!(
        "{}{}",
        p(&r("Kontaktuppgifter")),
        sdt(
            r#"<w:tag w:val="kontaktperson"/>"#,
            &p(&r("Helena Näslund"))
        )
    );
    let xml = format!(
        r#"<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main" xmlns:wp="http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing" xmlns:a="http://purl.oclc.org/ooxml/drawingml/main" xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml" w:conformance="strict"><w:body><w:p><w:r><w:drawing><wp:anchor><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wp:wsp><wp:txbx><wne:txbxContent>{box_content}</wne:txbxContent></wp:txbx></wp:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r></w:p></w:body></w:document>"#
    );
    let res = walk_xml(&xml, "word/document.xml", Story::Body).unwrap();
    assert_eq!(res.controls.len(), 1);
    assert!(res.controls[0].in_text_box);
    let boxed: Vec<bool> = res
        .flow
        .iter()
        .filter_map(|f| match f {
            FlowItem::Paragraph { in_text_box, .. } => Some(*in_text_box),
            _ => None,
        })
        .collect();
    assert_eq!(flow_texts(&res), ["Kontaktuppgifter"]);
    assert_eq!(boxed, [true]);
}

#[test]
fn run_content_elements_become_characters() {
    let runs = r#"<w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:noBreakHyphen/><w:t>d</w:t><w:softHyphen/><w:t>e</w:t><w:cr/><w:sym w:font="Wingdings" w:char="F0FC"/><w:t xml:space="preserve"> x  </w:t><w:t>&#160;&#160;y&amp;z</w:t></w:r>"#;
    let res = read(&sdt("", &p(runs)));
    assert_eq!(res.controls[0].text, "a\tb\nc-de\n✓ x y&z");
}

#[test]
fn placeholders_are_recognised_by_flag_and_by_default_text() {
    let flagged = sdt("<w:showingPlcHdr/>", &p(&r("Vad som helst")));
    let default = sdt("", &p(&r("Klicka eller tryck här för att ange text.")));
    let empty = sdt("", "<w:p/>");
    let res = read(&format!("{flagged}{default}{empty}"));
    let s: Vec<(Status, Option<PlaceholderSignal>)> = res
        .controls
        .iter()
        .map(|c| (c.status, c.placeholder_signal))
        .collect();
    assert_eq!(
        s,
        vec![
            (Status::Placeholder, Some(PlaceholderSignal::ShowingPlcHdr)),
            (Status::Placeholder, Some(PlaceholderSignal::DefaultText)),
            (Status::Empty, None),
        ]
    );
}

#[test]
fn checkbox_state_comes_from_the_xml_not_the_glyph() {
    let glyph_says_checked = sdt(
        r#"<w14:checkbox><w14:checked w14:val="0"/></w14:checkbox>"#,
        &r("☒"),
    );
    let res = read(&p(&glyph_says_checked));
    assert_eq!(res.controls[0].value, Some(Value::Boolean(false)));
    assert_eq!(res.controls[0].control_type, ControlType::Checkbox);
}

#[test]
fn typed_values_beside_the_text() {
    let date = sdt(
        r#"<w:date w:fullDate="2022-04-30T00:00:00Z"><w:dateFormat w:val="d MMMM yyyy"/></w:date>"#,
        &r("30 april 2022"),
    );
    let drop = sdt(
        r#"<w:dropDownList w:lastValue="t1"><w:listItem w:value=""/><w:listItem w:displayText="Tertial 1" w:value="t1"/></w:dropDownList>"#,
        &r("Tertial 1"),
    );
    let combo = sdt(
        r#"<w:comboBox><w:listItem w:displayText="Ja" w:value="1"/></w:comboBox>"#,
        &r("Delvis"),
    );
    let res = read(&p(&format!("{date}{drop}{combo}")));
    assert_eq!(
        res.controls[0].value,
        Some(Value::Date("2022-04-30".into()))
    );
    assert_eq!(
        res.controls[1].value,
        Some(Value::Choice {
            value: "t1".into(),
            display_text: "Tertial 1".into()
        })
    );
    assert_eq!(
        res.controls[2].value,
        Some(Value::Choice {
            value: "Delvis".into(),
            display_text: "Delvis".into()
        })
    );
}

#[test]
fn comments_are_anchored_and_kept_out_of_text() {
    let body = sdt(
        "",
        &p(&format!(
            r#"<w:commentRangeStart w:id="4"/>{}<w:commentRangeEnd w:id="4"/><w:r><w:commentReference w:id="4"/></w:r>"#,
            r("svar")
        )),
    );
    let res = read(&body);
    assert_eq!(res.anchors, vec![("4".to_owned(), Some(0))]);
    assert_eq!(res.controls[0].text, "svar");
}

#[test]
fn comment_parts_give_comment_text() {
    let xml = format!(
        r#"<w:comments {NS}><w:comment w:id="4" w:author="Granskare" w:date="2022-04-21T10:00:00Z"><w:p>{}</w:p></w:comment></w:comments>"#,
        r("Stämmer detta?")
    );
    let res = walk_xml(&xml, "word/comments.xml", Story::Comment).unwrap();
    assert_eq!(res.comments[0].text, "Stämmer detta?");
    assert_eq!(res.comments[0].author.as_deref(), Some("Granskare"));
    assert!(res.flow.is_empty());
}

#[test]
fn namespaces_are_matched_by_uri_not_prefix() {
    let xml = r#"<x:document xmlns:x="http://purl.oclc.org/ooxml/wordprocessingml/main"><x:body><x:sdt><x:sdtPr><x:tag x:val="strikt"/></x:sdtPr><x:sdtContent><x:p><x:r><x:t>svar</x:t></x:r></x:p></x:sdtContent></x:sdt><w:p xmlns:w="urn:not-word"><w:r><w:t>inte Word</w:t></w:r></w:p></x:body></x:document>"#;
    let res = walk_xml(xml, "word/document.xml", Story::Body).unwrap();
    assert_eq!(res.controls.len(), 1);
    assert_eq!(res.controls[0].tag.as_deref(), Some("strikt"));
    assert_eq!(res.controls[0].text, "svar");
    assert!(flow_texts(&res).is_empty());
}

#[test]
fn nesting_beyond_the_limit_is_an_error() {
    let deep = "<w:customXml>".repeat(80) + &"</w:customXml>".repeat(80);
    let err = walk_xml(&body_xml(&deep), "word/document.xml", Story::Body)
        .err()
        .unwrap();
    assert_eq!(err.code(), "too-deep");
}

#[test]
fn undefined_entities_are_left_out_with_a_warning() {
    let res = read(&sdt("", &p("<w:r><w:t>a&xxe;b</w:t></w:r>")));
    assert_eq!(res.controls[0].text, "ab");
    assert_eq!(res.warnings[0].code, WarningCode::XmlEntity);
}

#[test]
fn an_unclosed_element_is_malformed() {
    let xml = format!("<w:document {NS}><w:body><w:sdt><w:sdtContent><w:p>");
    let err = walk_xml(&xml, "word/document.xml", Story::Body)
        .err()
        .unwrap();
    assert_eq!(err.code(), "malformed-xml");
}

#[test]
fn a_comment_inside_a_control_belongs_to_the_control_not_the_flow() {
    let body = sdt(
        "",
        &p(&format!(
            r#"<w:commentRangeStart w:id="0"/>{}<w:commentRangeEnd w:id="0"/>"#,
            r("svar")
        )),
    );
    let res = read(&body);
    assert_eq!(res.anchors, vec![("0".to_owned(), Some(0))]);
    assert_eq!(res.flow.len(), 1, "{:?}", res.flow);
}

#[test]
fn row_and_cell_controls_stand_where_their_row_or_cell_is() {
    let cell = |t: &str| format!("<w:tc>{}</w:tc>", p(&r(t)));
    let body = format!(
        "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr>{}</w:tbl>",
        cell("Telefon"),
        sdt("", &cell("08-508 100 51")),
        cell("E-post"),
        cell("x@stockholm.se"),
        sdt("", &format!("<w:tr>{}{}</w:tr>", cell("Rad"), cell("tre")))
    );
    let res = read(&body);
    let cells: Vec<(usize, usize)> = res
        .flow
        .iter()
        .filter_map(|f| match f {
            FlowItem::Control { cell: Some(c), .. } => Some((c.row, c.column)),
            _ => None,
        })
        .collect();
    assert_eq!(cells, vec![(0, 1), (2, 0)]);
}

fn budget(max_elements: u64, max_controls: usize) -> Budget {
    Budget::new(&Limits {
        max_elements,
        max_controls,
        ..Limits::default()
    })
}

#[test]
fn a_part_with_too_many_elements_is_refused_naming_the_flag() {
    let xml = body_xml(&"<w:p/>".repeat(10));
    // document, body and ten paragraphs: twelve elements.
    assert!(walk_within(&xml, "word/document.xml", Story::Body, &budget(12, 10)).is_ok());
    let err = walk_within(&xml, "word/document.xml", Story::Body, &budget(11, 10))
        .err()
        .unwrap();
    assert_eq!(err.code(), "too-large");
    assert!(err.to_string().contains("--max-elements"), "{err}");
}

#[test]
fn elements_in_skipped_subtrees_count_too() {
    let xml = body_xml(&format!(
        "<w:p><w:rPr>{}</w:rPr></w:p>",
        "<w:b/>".repeat(10)
    ));
    let err = walk_within(&xml, "word/document.xml", Story::Body, &budget(12, 10))
        .err()
        .unwrap();
    assert_eq!(err.code(), "too-large");
}

#[test]
fn a_part_with_too_many_controls_is_refused_naming_the_flag() {
    let xml = body_xml(&"<w:sdt/>".repeat(5));
    assert_eq!(
        walk_within(&xml, "word/document.xml", Story::Body, &budget(100, 5))
            .unwrap()
            .controls
            .len(),
        5
    );
    let err = walk_within(&xml, "word/document.xml", Story::Body, &budget(100, 4))
        .err()
        .unwrap();
    assert_eq!(err.code(), "too-large");
    assert!(err.to_string().contains("--max-controls"), "{err}");
}

#[test]
fn text_held_by_deeply_nested_controls_is_counted_for_each_holder() {
    let limits = |max_total_bytes| Limits {
        max_total_bytes,
        ..Limits::default()
    };
    let nested = |depth: usize| {
        body_xml(&format!(
            "{}{}{}",
            "<w:sdt><w:sdtContent>".repeat(depth),
            p(&r("0123456789")),
            "</w:sdtContent></w:sdt>".repeat(depth)
        ))
    };
    // Ten letters, held as text and as blocks by each of four controls: 80 bytes.
    let within = Budget::new(&limits(80));
    assert!(walk_within(&nested(4), "word/document.xml", Story::Body, &within).is_ok());
    let over = Budget::new(&limits(80));
    let err = walk_within(&nested(5), "word/document.xml", Story::Body, &over)
        .err()
        .unwrap();
    assert_eq!(err.code(), "too-large");
    assert!(err.to_string().contains("--max-total-size"), "{err}");
}

#[test]
fn the_budget_is_shared_by_the_parts_of_a_form() {
    let shared = budget(100, 5);
    let xml = body_xml(&"<w:sdt/>".repeat(3));
    assert!(walk_within(&xml, "word/header1.xml", Story::Header, &shared).is_ok());
    let err = walk_within(&xml, "word/document.xml", Story::Body, &shared)
        .err()
        .unwrap();
    assert!(err.to_string().contains("--max-controls"), "{err}");
}

#[test]
fn text_while_any_field_instruction_is_open_is_never_text() {
    let fld = |kind: &str| format!(r#"<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>"#);
    let (begin, separate, end) = (fld("begin"), fld("separate"), fld("end"));
    let unfinished = p(&format!("{}{}", begin.repeat(3), r("x")));
    assert!(flow_texts(&read(&unfinished)).is_empty());
    let inner_done = p(&format!("{begin}{begin}{separate}{end}{}", r("x")));
    assert!(flow_texts(&read(&inner_done)).is_empty());
    let both_done = p(&format!(
        "{begin}{begin}{separate}{end}{separate}{}{end}",
        r("x")
    ));
    assert_eq!(flow_texts(&read(&both_done)), vec!["x"]);
}
