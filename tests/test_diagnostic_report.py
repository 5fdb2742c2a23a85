"""The diagnostic report (issue 15 §3) on the demo company: the PDF's text (pypdf) holds the same
figures as `python -m model audit --json`, its fonts are embedded, its pages render to images
(Debian's pdftoppm); the workbook holds the same euros."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from model.formatting import euros_from_cents
from tests.test_cli import run
from tests.test_pages import demo_url as demo_url  # the demo company, loaded once per module

LEAK_PAGES = 6


def squeezed(words: str) -> str:
    """Text without its spaces (a PDF's extraction and French narrow spaces differ in them)."""
    return re.sub(r"\s+", "", words)


def cents(eur: float) -> int:
    return round(eur * 100)


@pytest.fixture(scope="module")
def figures(demo_url: str) -> dict:
    answer = run("audit", "--json", db=demo_url)
    assert answer.returncode == 0, answer.stderr
    return json.loads(answer.stdout)


def _report(url: str, out: Path, *options: str) -> Path:
    who = (
        "--company",
        "Société Démo",
        "--consultant",
        "Marc Lenoir",
        "--firm",
        "Conseil & Pilotage",
    )
    made = run("report", "audit", "--out", str(out), *who, *options, db=url)
    assert made.returncode == 0, made.stderr
    return out


def test_the_pdf_says_what_the_json_says(demo_url: str, figures: dict, tmp_path: Path):
    pdf = PdfReader(_report(demo_url, tmp_path / "rapport.pdf"))
    assert len(pdf.pages) == 1 + LEAK_PAGES + 1  # summary, a page per leak, levers and appendix
    pages = [squeezed(page.extract_text()) for page in pdf.pages]
    assert squeezed("Diagnostic — Société Démo") in pages[0]
    assert squeezed("Préparé par Marc Lenoir · Conseil & Pilotage") in pages[0]
    assert squeezed(euros_from_cents(cents(figures["total_eur"]))) in pages[0]
    largest = sorted(figures["leaks"], key=lambda leak: -leak["eur"])
    for leak in largest[:3]:
        assert squeezed(euros_from_cents(cents(leak["eur"]))) in pages[0], leak["code"]
    for page, leak in zip(pages[1:-1], largest, strict=True):  # costliest first
        assert squeezed(euros_from_cents(cents(leak["eur"]))) in page, leak["code"]
        assert squeezed(leak["method"][:60]) in page
    for lever in figures["levers"]:
        assert squeezed(euros_from_cents(cents(lever["gain_eur"]))) in pages[-1]
    fonts = {
        font["/BaseFont"]: "/FontFile2" in font["/DescendantFonts"][0]["/FontDescriptor"]
        for page in pdf.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all(fonts.values())  # every font embedded


def test_the_english_pdf(demo_url: str, figures: dict, tmp_path: Path):
    pdf = PdfReader(_report(demo_url, tmp_path / "report.pdf", "--lang", "en"))
    first = squeezed(pdf.pages[0].extract_text())
    assert "Lostperyear" in first
    assert squeezed(euros_from_cents(cents(figures["total_eur"]), "en")) in first


def test_the_pages_render_to_images(demo_url: str, tmp_path: Path):
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: .ci/run installs Debian's poppler-utils")
    pdf = _report(demo_url, tmp_path / "rapport.pdf")
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == 1 + LEAK_PAGES + 1
    for path in images:
        with Image.open(path) as page:
            assert page.size[1] > page.size[0]  # A4, upright
            histogram = page.convert("L").histogram()  # pixels per grey level
            dark = sum(histogram[:128])
            assert dark > 500, path.name  # text and charts, not a blank page


def test_the_workbook_holds_the_same_euros(demo_url: str, figures: dict, tmp_path: Path):
    book = load_workbook(_report(demo_url, tmp_path / "rapport.xlsx"))
    assert book.sheetnames[:2] == ["Rapport", "Diagnostic"]
    rows = list(book["Diagnostic"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in rows[:-1]] == [leak["eur"] for leak in figures["leaks"]]
    assert rows[-1][:2] == ("Perdu par an", figures["total_eur"])
    assert book["Rapport"]["B2"].value == "Société Démo"


def test_an_unwritable_report_is_said(demo_url: str, tmp_path: Path):
    nowhere = tmp_path / "absent" / "rapport.pdf"
    refused = run("report", "audit", "--out", str(nowhere), db=demo_url)
    assert (refused.returncode, refused.stderr.strip()) == (
        2, f"Erreur : impossible d'écrire « {nowhere} » (No such file or directory)."
    )  # fmt: skip
