"""CSV parsing without a store: columns, encodings, delimiters, broken rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from socialhub.ingest import ImportFile, ImportFormatError

from .helpers import T1, read_all


def test_utf8_bom_export_with_multiline_post() -> None:
    mentions, quarantined, f = read_all("mentions_utf8.csv")
    assert f.format == "csv" and not quarantined
    assert f.notes == []
    by_id = {m.id: m for m in mentions}
    assert list(by_id) == [
        f"x:{T1}",
        "facebook:fb_88412093_1203",
        next(i for i in by_id if i.startswith("web:h")),
        "reddit:t3_1b6xk2p",
        next(i for i in by_id if i.startswith("unknown:h")),
    ]
    first = by_id[f"x:{T1}"]
    assert first.platform == "x"  # "twitter" is an alias
    assert first.author is not None and first.author.handle == "hmarchetti"  # '@' dropped
    assert first.author.followers == 15320 and first.author.name == "Hélène Marchetti"
    assert first.engagement.likes == 96 and first.engagement.reposts == 41
    assert first.collected_via == "import:csv"
    assert first.raw["author"] == "@hmarchetti"  # the row as read, keyed by the header
    fb = by_id["facebook:fb_88412093_1203"]
    assert fb.text.count("\n") == 2  # quoted multi-line post kept whole
    assert fb.created_at == datetime(2024, 3, 5, 8, 15, tzinfo=UTC)
    reddit = by_id["reddit:t3_1b6xk2p"]
    assert reddit.engagement.likes == 1200  # "1,2k"
    article = next(m for m in mentions if m.platform == "web")
    assert article.created_at == datetime(2024, 3, 5, 8, 5, tzinfo=UTC)  # +01:00 honoured
    assert article.author is None and article.site == "lequotidien-numerique.example"


def test_ids_derived_when_missing_are_stable() -> None:
    first, _, _ = read_all("mentions_utf8.csv")
    again, _, _ = read_all("mentions_utf8.csv")
    assert [m.id for m in first] == [m.id for m in again]


def test_cp1252_semicolon_french_headers_local_time() -> None:
    mentions, quarantined, f = read_all("mentions_cp1252.csv", timezone="Europe/Paris")
    assert not quarantined and len(mentions) == 3
    assert "CSV delimiter: ';'" in f.notes
    assert any("decoded as cp1252" in n for n in f.notes)
    aide = mentions[0]
    assert aide.id == "x:1764927364569874433"  # platform and id from the x.com URL
    assert "équipes" in aide.text and "même ;" in aide.text  # quoted ';' kept
    assert aide.created_at == datetime(2024, 3, 5, 7, 14, tzinfo=UTC)  # 08:14 Paris (CET)
    assert aide.engagement.likes == 57 and aide.author is not None
    assert aide.author.followers == 9800  # "Abonnés"
    assert "€€€" in mentions[1].text and "…" in mentions[1].text
    assert mentions[2].platform == "web" and mentions[2].text.startswith("« Mirabelle")


def test_mapping_names_the_columns() -> None:
    mapping = {
        "text": "message",
        "created_at": "date",
        "author": "user",
        "platform": "network",
        "id": "post",
    }
    mentions, quarantined, _ = read_all("mapped.csv", mapping=mapping)
    assert not quarantined
    assert [m.id for m in mentions] == ["bluesky:3kabc123xyz", "mastodon:112233445566"]
    assert mentions[0].author is not None and mentions[0].author.handle == "lea_b"


def test_missing_columns_fail_before_reading_rows(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("msg,quand\nbonjour,2024-03-05\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="no text column \\(columns: msg, quand\\)"):
        ImportFile(path)
    with pytest.raises(ImportFormatError, match="no created_at column"):
        ImportFile(path, mapping={"text": "msg"})
    with pytest.raises(ImportFormatError, match="mapping text='nope': no such column"):
        ImportFile(path, mapping={"text": "nope", "created_at": "quand"})
    with pytest.raises(ImportFormatError, match="unknown field"):
        ImportFile(path, mapping={"txt": "msg"})
    mentions, _, _ = read_all(path, mapping={"text": "MSG", "created_at": "Quand"})
    assert mentions[0].text == "bonjour"  # column names compare case-insensitively


def test_broken_csv_quarantines_each_bad_row_and_keeps_the_rest() -> None:
    mentions, quarantined, f = read_all("broken.csv")
    assert [m.native_id for m in mentions] == ["1", "8", "9", "10", "1"]
    reasons = {q.location: q.reason for q in quarantined}
    assert reasons["line 3"] == "wrong field count: 3 field(s), the header has 5"
    assert reasons["line 4"].startswith("wrong field count: 7 field(s)")
    assert reasons["line 5"] == "missing text: the text is empty"
    assert reasons["line 6"].startswith("missing created_at")
    assert reasons["line 7"].startswith("unparseable created_at: cannot read '32/13/2024 25:00'")
    # The unbalanced quote costs its own line only: line 8 onwards is read again.
    assert reasons["line 8"].endswith("(unbalanced quote?)")
    assert {"line 11", "line 12", "line 13"} <= set(reasons)  # the binary junk
    assert "not UTF-8" in reasons["line 11"]
    # raw is the original text of the row, never lost
    by_loc = {q.location: q for q in quarantined}
    assert by_loc["line 3"].raw == "2,2024-03-06T10:02:00Z,user2"
    assert by_loc["line 8"].raw.startswith('7,2024-03-06T10:07:00Z,user7,"cette citation')
    assert "\x00" not in "".join(q.raw for q in quarantined)
    assert all(q.source == "import:csv:broken.csv" for q in quarantined)
    zoe = next(m for m in mentions if m.native_id == "9")
    assert zoe.text == "Réseau coupé à Nîmes"  # the cp1252 line decoded, not dropped
    assert any("decoded as cp1252" in n for n in f.notes)


def test_unbalanced_quote_at_scale_keeps_following_rows(tmp_path: Path) -> None:
    rows = ["id,created_at,text"]
    rows += [f'{i},2024-03-06T10:00:00Z,"post {i}"' for i in range(300)]
    rows[50] = '49,2024-03-06T10:00:00Z,"never closed'
    path = tmp_path / "quote.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    mentions, quarantined, _ = read_all(path)
    assert len(quarantined) == 1 and quarantined[0].location == "line 51"
    assert quarantined[0].reason.endswith("(unbalanced quote?)")
    assert len(mentions) == 299 and {m.text for m in mentions} >= {"post 48", "post 50"}


def test_legit_multiline_post_is_not_split(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text(
        'id,created_at,text\n1,2024-03-06T10:00:00Z,"ligne un, suite\nligne deux, encore"\n',
        encoding="utf-8",
    )
    mentions, quarantined, _ = read_all(path)
    assert not quarantined and mentions[0].text == "ligne un, suite\nligne deux, encore"


def test_sniffs_tab_and_excel_sep_hint(tmp_path: Path) -> None:
    tsv = tmp_path / "a.tsv"
    tsv.write_text("text\tdate\nbonjour, ça va ?\t2024-03-05\n", encoding="utf-8")
    mentions, _, f = read_all(tsv)
    assert mentions[0].text == "bonjour, ça va ?" and "CSV delimiter: '\\t'" in f.notes
    hinted = tmp_path / "b.csv"
    hinted.write_text("sep=|\ntext|date\nun|deux|2024-03-05\n", encoding="utf-8")
    mentions, quarantined, _ = read_all(hinted)
    assert not mentions and quarantined[0].reason.startswith("wrong field count: 3")


def test_utf16_excel_unicode_text(tmp_path: Path) -> None:
    path = tmp_path / "excel.txt"
    path.write_bytes("text\tcreated_at\nDéjà vu 😀\t05/03/2024 10:00\n".encode("utf-16"))
    mentions, quarantined, f = read_all(path)
    assert not quarantined and mentions[0].text == "Déjà vu 😀"
    assert any("UTF-16" in n for n in f.notes)


def test_binary_and_zip_files_are_refused(tmp_path: Path) -> None:
    png = tmp_path / "image.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20)
    with pytest.raises(ImportFormatError, match="binary"):
        ImportFile(png)
    xlsx = tmp_path / "export.xlsx"
    xlsx.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ImportFormatError, match="Excel"):
        ImportFile(xlsx)


def test_forcing_a_format_on_junk_quarantines_it(tmp_path: Path) -> None:
    junk = tmp_path / "junk.jsonl"
    junk.write_bytes(b"\x00\x01\x02\n\xff\xfe\x00\n")
    mentions, quarantined, _ = read_all(junk, fmt="jsonl")
    assert not mentions and len(quarantined) == 2
    assert all(q.reason.startswith("invalid JSON") for q in quarantined)


def test_empty_file_reads_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    mentions, quarantined, f = read_all(empty)
    assert (mentions, quarantined) == ([], [])
    assert f.notes == ["the file is empty"]


def test_bad_options_are_refused() -> None:
    path = Path(__file__).parent.parent / "fixtures/import/mapped.csv"
    with pytest.raises(ImportFormatError, match="unknown format"):
        ImportFile(path, fmt="xlsx")
    with pytest.raises(ImportFormatError, match="unknown timezone"):
        ImportFile(path, timezone="Europe/Lutece")


# CrisisLexT26's labelled files as published: a space after each comma of the header,
# quoted tweet ids, no date column (the time is in the id) and no platform column.
CRISISLEX = (
    "Tweet ID, Tweet Text, Information Source, Information Type, Informativeness\n"
    '"324694339240460289",'
    '"Explosion at fertilizer plant in West, McLennan Co. -&gt; fire &amp; injured",'
    "Outsiders,Other Useful Information,Related and informative\n"
    '"12345","an id from before snowflakes has no time in it",Outsiders,Other,Not related\n'
)


def test_tweet_id_csv_without_dates_reads_the_time_from_the_ids(tmp_path: Path) -> None:
    path = tmp_path / "2013_West_Texas_explosion-tweets_labeled.csv"
    path.write_text(CRISISLEX, encoding="utf-8")
    mentions, quarantined, f = read_all(path)
    assert [m.id for m in mentions] == ["x:324694339240460289"]
    tweet = mentions[0]
    # (324694339240460289 >> 22) + 1288834974657 ms = 2013-04-18T01:22:17.661Z
    assert tweet.created_at == datetime(2013, 4, 18, 1, 22, 17, 661000, tzinfo=UTC)
    assert tweet.text.startswith("Explosion at fertilizer plant")  # the "Tweet Text" column
    assert tweet.text.endswith("Co. -> fire & injured")  # X's &gt; &amp; read as the X API's
    assert tweet.raw["Informativeness"] == "Related and informative"
    assert f.notes == ["no date column: each post's time is read from its tweet id (Tweet ID)"]
    assert [q.reason.split(":")[0] for q in quarantined] == ["missing created_at"]


def test_a_plain_id_column_still_needs_a_date(tmp_path: Path) -> None:
    """Only a column named after tweets is read as snowflakes: a generic ``id`` may be a
    Mastodon or forum id, whose bits are no X time."""
    path = tmp_path / "ids.csv"
    path.write_text('id,text\n"324694339240460289",bonjour\n', encoding="utf-8")
    with pytest.raises(ImportFormatError, match='--map created_at="COLUMN"'):
        ImportFile(path)


def test_a_missing_text_column_suggests_a_column_no_other_field_took(tmp_path: Path) -> None:
    """CrisisLex's ``*-tweetids_entire_period.csv`` has no text at all: the hint must not
    suggest reading the Timestamp column as the text."""
    path = tmp_path / "ids.csv"
    path.write_text(
        'Timestamp, Tweet-ID, Included(Y/N)\n"Sun Apr 28 06:01:00 +0000 2013","1",Y\n',
        encoding="utf-8",
    )
    with pytest.raises(ImportFormatError, match=r'e\.g\. --map text="Included\(Y/N\)"'):
        ImportFile(path)
