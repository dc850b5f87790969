"""What people write today: python-docx opens each form and lxml walks its content controls.

For every .docx under the input folder, each w:sdt element of the body is read (tag, alias,
whether it shows its placeholder, its text) and the form's controls are written as one JSON
file in the output folder, as `blankett batch` writes one submission per form.

    python extract.py FORMS_DIR OUT_DIR
"""

import json
import os
import sys

import docx
from docx.oxml.ns import qn

W_SDT = qn("w:sdt")
W_SDTPR = qn("w:sdtPr")
W_SDTCONTENT = qn("w:sdtContent")
W_TAG = qn("w:tag")
W_ALIAS = qn("w:alias")
W_VAL = qn("w:val")
W_SHOWING = qn("w:showingPlcHdr")
W_T = qn("w:t")
W_P = qn("w:p")


def control_text(content):
    paragraphs = list(content.iter(W_P))  # the element itself too, when it is a paragraph
    if not paragraphs:
        return "".join(t.text or "" for t in content.iter(W_T))
    lines = ("".join(t.text or "" for t in p.iter(W_T)).strip() for p in paragraphs)
    return "\n".join(line for line in lines if line)


def extract(path):
    document = docx.Document(path)
    controls = []
    for sdt in document.element.body.iter(W_SDT):
        pr = sdt.find(W_SDTPR)
        content = sdt.find(W_SDTCONTENT)
        tag = alias = None
        showing = False
        if pr is not None:
            t = pr.find(W_TAG)
            a = pr.find(W_ALIAS)
            tag = t.get(W_VAL) if t is not None else None
            alias = a.get(W_VAL) if a is not None else None
            showing = pr.find(W_SHOWING) is not None
        text = control_text(content) if content is not None else ""
        controls.append(
            {
                "tag": tag,
                "alias": alias,
                "placeholder": showing,
                "text": "" if showing else text,
            }
        )
    return {"file": os.path.basename(path), "controls": controls}


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    count = 0
    for root, _dirs, files in os.walk(src):
        for name in sorted(files):
            if not name.endswith(".docx"):
                continue
            result = extract(os.path.join(root, name))
            with open(os.path.join(out, name[:-5] + ".json"), "w", encoding="utf-8") as f:
                json.dump(result, f, ensure_ascii=False, indent=2)
            count += 1
    print(f"python-docx: {count} forms", file=sys.stderr)


if __name__ == "__main__":
    main()
