"""The viewer without a browser: highlights cut into segments, the charts' layout, the pages over a small corpus."""

import datetime as dt
import html
import random
import re

import pytest
from fastapi.testclient import TestClient

from quotegraph.model import Article, Attribution, Span, Speaker, Time
from quotegraph.serve.app import create_app
from quotegraph.serve.views import (
    Mark,
    attribution_marks,
    segments,
    snippet_parts,
    templates,
    thread,
    timeline,
    web_link,
)
from quotegraph.store import open_store

HOSTILE = "<script>alert(1)</script> & <img src=x onerror=alert(1)>"


def span(text: str, piece: str, after: int = 0) -> Span:
    start = text.index(piece, after)
    return Span(start=start, end=start + len(piece), text=piece)


def cut(text: str, *marks: tuple[int, int, str, str]) -> list[tuple[str, list[str]]]:
    """Segments as (text, ["role:attribution" of the covering marks, innermost first])."""
    return [
        (segment.text, [f"{mark.role}:{mark.attribution}" for mark in segment.marks])
        for segment in segments(text, [Mark(*mark) for mark in marks])
    ]


def highlighted(text: str, marks: list[Mark], source_ids: dict[str, int | None]) -> str:
    macro = templates.env.get_template("_macros.html").module.highlighted_text
    return str(macro(segments(text, marks), source_ids))


# ---------------------------------------------------------------- segments


def test_text_without_marks_is_one_plain_segment():
    assert cut("Nobody said a thing.") == [("Nobody said a thing.", [])]
    assert segments("", []) == []


def test_a_source_inside_another_attributions_content_is_its_own_segment_on_top():
    text = "She said Smith denied it."
    assert cut(text, (0, 25, "content", "a1"), (9, 14, "source", "a2")) == [
        ("She said ", ["content:a1"]),
        ("Smith", ["source:a2", "content:a1"]),
        (" denied it.", ["content:a1"]),
    ]


def test_crossing_marks_split_where_each_starts_and_ends():
    assert cut("abcdefghij", (0, 6, "content", "a1"), (4, 10, "content", "a2")) == [
        ("abcd", ["content:a1"]),
        ("ef", ["content:a1", "content:a2"]),
        ("ghij", ["content:a2"]),
    ]


def test_marks_of_equal_length_put_source_over_cue_over_content():
    assert cut("said", (0, 4, "content", "a1"), (0, 4, "cue", "a2"), (0, 4, "source", "a3")) == [
        ("said", ["source:a3", "cue:a2", "content:a1"])
    ]


def test_empty_marks_and_marks_outside_the_text_are_dropped():
    assert cut("short", (2, 2, "cue", "a1"), (3, 99, "content", "a2"), (-1, 2, "source", "a3")) == [("short", [])]


def test_only_the_first_segment_of_a_mark_opens_it():
    found = segments("abcdef", [Mark(0, 6, "content", "a1"), Mark(2, 4, "source", "a2")])
    assert [(s.text, s.mark.attribution, s.opens_mark) for s in found] == [
        ("ab", "a1", True),
        ("cd", "a2", True),
        ("ef", "a1", False),
    ]
    assert found[1].roles == ["source", "content"]


def test_a_discontinuous_content_is_marked_part_by_part_around_its_cue_and_source():
    text = "“We will,” said Ortiz. “Soon.”"
    content = Span.from_parts(text, [(0, 10), (22, len(text))])
    said = Attribution(id="a1", source=span(text, "Ortiz"), cue=span(text, "said"), content=content)
    assert cut(text, *((m.start, m.end, m.role, m.attribution) for m in attribution_marks([said]))) == [
        ("“We will,”", ["content:a1"]),
        (" ", []),
        ("said", ["cue:a1"]),
        (" ", []),
        ("Ortiz", ["source:a1"]),
        (". ", []),
        ("“Soon.”", ["content:a1"]),
    ]


def test_segments_always_spell_the_text_and_lie_under_exactly_the_marks_covering_them():
    chance = random.Random(6)
    for _ in range(300):
        text = "".join(chance.choice("ab <&>\n") for _ in range(chance.randint(0, 40)))
        marks = []
        for n in range(chance.randint(0, 8)):
            start = chance.randint(-2, len(text) + 1)
            role = chance.choice(["source", "cue", "content"])
            marks.append(Mark(start, start + chance.randint(0, 12), role, f"a{n}"))
        found = segments(text, marks)
        assert "".join(segment.text for segment in found) == text
        for segment in found:
            assert all(segment.start < segment.end for segment in found)
            covering = {m for m in marks if 0 <= m.start < m.end <= len(text) and m.start <= segment.start < m.end}
            assert set(segment.marks) == covering
            lengths = [m.end - m.start for m in segment.marks]
            assert lengths == sorted(lengths)


# ---------------------------------------------------------------- rendering the text


def test_highlighted_text_is_escaped_and_reads_back_as_the_text():
    text = f"{HOSTILE}\n\nSmith said “{HOSTILE}”."
    quoted = span(text, f"“{HOSTILE}”")
    said = Attribution(id="a1", source=span(text, "Smith"), cue=span(text, "said"), content=quoted)
    out = highlighted(text, list(attribution_marks([said])), {"a1": 7})
    assert "<script" not in out and "<img" not in out
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text


def test_a_highlight_is_focusable_described_and_a_known_source_links_to_its_page():
    text = "Smith said yes. They said no."
    marks = [Mark(0, 5, "source", "a1"), Mark(16, 20, "source", "a2"), Mark(11, 14, "content", "a1")]
    out = highlighted(text, marks, {"a1": 7, "a2": None})
    assert '<a class="hl hl-source" href="/sources/7" data-attribution="a1" data-role="source"' in out
    assert 'aria-describedby="role-source facts-a1">Smith</a>' in out
    assert '<span class="hl hl-source" tabindex="0" data-attribution="a2"' in out
    assert '<span class="hl hl-content" tabindex="0" data-attribution="a1" data-role="content"' in out


def test_only_the_first_segment_of_a_split_mark_takes_focus():
    out = highlighted("abcdef", [Mark(0, 6, "content", "a1"), Mark(2, 4, "source", "a2")], {"a2": 3})
    assert out.count('tabindex="0"') == 1
    assert '<span class="hl hl-content" data-attribution="a1"' in out  # "ef": hover only
    assert 'href="/sources/3"' in out


# ---------------------------------------------------------------- charts and helpers


def test_timeline_counts_per_day_over_a_short_span_with_gaps_in_place():
    chart = timeline({"2024-03-01": 2, "2024-03-04": 4}, dt.date(2024, 3, 1), dt.date(2024, 3, 10))
    assert chart.caption == "Attributions per day, 1 March 2024 to 10 March 2024"
    assert [(bar.period, bar.count) for bar in chart.bars] == [("2024-03-01", 2), ("2024-03-04", 4)]
    slot = (chart.right - chart.left) / 10
    assert chart.bars[1].x == pytest.approx(chart.left + slot * 3.1)
    assert chart.bars[1].height == pytest.approx(2 * chart.bars[0].height)
    assert chart.bars[1].y + chart.bars[1].height == pytest.approx(chart.bottom)
    assert [tick.label for tick in chart.y_ticks] == ["0", "1", "2", "3", "4"]
    assert chart.x_ticks[0].label == "1 Mar"


def test_timeline_counts_per_month_over_a_long_span():
    counts = {"2023-01-05": 1, "2023-01-20": 2, "2024-02-01": 9}
    chart = timeline(counts, dt.date(2023, 1, 1), dt.date(2024, 2, 28))
    assert chart.caption.startswith("Attributions per month")
    assert [(bar.period, bar.count) for bar in chart.bars] == [("2023-01", 3), ("2024-02", 9)]
    assert [tick.label for tick in chart.x_ticks] == ["Jan 2023", "Mar 2023", "May 2023", "Jul 2023", "Sep 2023",
                                                      "Nov 2023", "Jan 2024"]
    assert chart.y_ticks[-1].label == "9"
    assert len(chart.x_ticks) <= 8


def test_thread_lays_responses_out_by_depth_with_edges_labelled_by_act():
    text = "Brown accused Jones. Jones denied it. Smith confirmed the denial. Lee said nothing."
    claim = Attribution(id="a1", content=span(text, "Jones"), act="accuse")
    denial = Attribution(id="a2", content=span(text, "it"), act="deny", responds_to="a1")
    confirmation = Attribution(id="a3", content=span(text, "the denial"), act="confirm", responds_to="a2")
    other = Attribution(id="a4", content=span(text, "nothing"))
    graph = thread(claim, [claim, denial, confirmation, other])
    assert [(node.attribution.id, node.depth) for node in graph.nodes] == [("a1", 0), ("a2", 1), ("a3", 2)]
    assert [(edge.start.attribution.id, edge.end.attribution.id, edge.label) for edge in graph.edges] == [
        ("a1", "a2", "deny"),
        ("a2", "a3", "confirm"),
    ]
    assert graph.nodes[2].x > graph.nodes[1].x > graph.nodes[0].x
    assert graph.width == graph.nodes[2].x + graph.node_width + 12


def test_snippet_marks_the_matched_words():
    assert snippet_parts("the [bridge] will [cost] more") == [
        ("the ", False), ("bridge", True), (" will ", False), ("cost", True), (" more", False)
    ]


@pytest.mark.parametrize("url", ["javascript:alert(1)", " https://x.org", "data:text/html,x", "", None])
def test_only_http_urls_become_links(url):
    assert web_link(url) is None
    assert web_link("https://news.example.org/a?b=1") == "https://news.example.org/a?b=1"


# ---------------------------------------------------------------- pages


def corpus() -> list[Article]:
    text = (
        "Mayor Jones Denies Hiding Audits\n\n"
        "Senator Brown accused Mayor Jones of hiding audits on Monday. "
        "Jones denied it. “We hid nothing,” she said.\n\n"
        f"A reader wrote {HOSTILE}."
    )
    brown = Speaker(entity="e1", name="Tom Brown", type="person", role="Senator")
    jones = Speaker(entity="e2", name="Ann Jones", type="person", role="Mayor")
    monday = span(text, "Monday")
    denial = text.index("Jones denied")
    return [
        Article(
            id="audits/1",
            text=text,
            date=dt.date(2024, 3, 5),
            title=f"Audits {HOSTILE}",
            url="javascript:alert(1)",
            publisher="The Harbor Times",
            attributions=[
                Attribution(id="a1", source=span(text, "Senator Brown"), cue=span(text, "accused"),
                            content=span(text, "Mayor Jones of hiding audits"), act="accuse", speaker=brown,
                            time=Time(start=monday.start, end=monday.end, text="Monday", value="2024-03-04")),
                Attribution(id="a2", source=span(text, "Jones", denial), cue=span(text, "denied"),
                            content=span(text, "it", denial), act="deny", speaker=jones, responds_to="a1",
                            confidence=0.875),
                Attribution(id="a3", source=span(text, "she"), cue=span(text, "said", denial),
                            content=span(text, "“We hid nothing,”"), kind="direct", speaker=jones),
                Attribution(id="a4", source=span(text, "A reader"), cue=span(text, "wrote"),
                            content=span(text, HOSTILE), speaker=Speaker(type="anonymous", role="reader")),
            ],
        )
    ]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    url = f"sqlite:///{tmp_path_factory.mktemp('viewer') / 'corpus.db'}"
    with open_store(url) as store:
        store.save(corpus())
    return TestClient(create_app(url))


def source_id(client: TestClient, name: str) -> int:
    return next(item["id"] for item in client.get("/api/sources").json()["items"] if item["name"] == name)


@pytest.mark.parametrize("path", ["/", "/articles", "/sources", "/search", "/search?q=audits", "/paste"])
def test_every_page_answers_with_the_navigation_and_no_inline_script(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<a class="skip-link" href="#main">' in page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/viewer.js" defer>']
    assert not re.search(r"<[^>]*\s(style|on[a-z]+)=", page)


def test_article_page_highlights_every_attribution_and_links_the_thread(client):
    page = client.get("/articles/audits%2F1").text
    assert page.count('data-role="source"') == 4
    assert f'href="/sources/{source_id(client, "Tom Brown")}" data-attribution="a1"' in page
    assert '<dl class="facts" id="facts-a2">' in page
    assert "<dt>Time</dt><dd>2024-03-04 (“Monday”)</dd>" in page
    assert "<dt>Confidence</dt><dd>0.88</dd>" in page
    assert 'href="/claims/audits%2F1:a1">Claim thread' in page
    assert "javascript:" not in page


def test_hostile_text_and_title_come_out_escaped(client):
    page = client.get("/articles/audits/1").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    search = client.get("/search", params={"q": HOSTILE}).text
    assert "<script>alert" not in search and "<img src=x" not in search


def test_source_page_shows_counts_timeline_and_what_it_said(client):
    page = client.get(f"/sources/{source_id(client, 'Ann Jones')}").text
    assert "<h1>Ann Jones</h1>" in page
    assert "<dt>Attributions</dt><dd>2</dd>" in page
    assert '<svg viewBox="0 0 760 230" role="img"' in page
    assert page.count('<rect class="bar"') == 1
    assert "Attributions per day, 5 March 2024 to 5 March 2024" in page
    assert 'href="/articles/audits%2F1#attribution-a2"' in page


def test_claim_page_draws_the_claim_and_its_response(client):
    page = client.get("/claims/audits/1:a1").text
    assert "Responses (1)" in page
    assert '<path class="edge"' in page
    assert ">deny</text>" in page
    assert 'id="attribution-a2"' in page


def test_search_marks_the_matched_words(client):
    page = client.get("/search", params={"q": "audits"}).text
    assert "<mark>audits</mark>" in page
    assert 'href="/articles/audits%2F1#attribution-a1"' in page


@pytest.mark.parametrize("path", ["/articles/nope", "/sources/999", "/claims/audits/1:a9", "/claims/nocolon"])
def test_missing_things_get_a_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text
