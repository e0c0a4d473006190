import datetime as dt

import pytest

from quotegraph.enrich import STEPS
from quotegraph.enrich.times import add_times, find_expressions, resolve
from quotegraph.model import Article, Attribution, Span

MONDAY = dt.date(2021, 11, 1)


def span(text: str, part: str, after: str = "") -> Span:
    """Span over the first ``part`` of ``text`` that follows ``after``."""
    start = text.index(part, text.index(after) + len(after) if after else 0)
    return Span.from_parts(text, [(start, start + len(part))])


def timed(text: str, source: str, cue: str | None, content: str, date: dt.date | None = MONDAY):
    """Run the step over one attribution written into ``text`` (its cue after its source) and return its time."""
    attribution = Attribution(
        id="a1",
        source=span(text, source),
        cue=span(text, cue, after=source) if cue else None,
        content=span(text, content),
    )
    article = Article(id="t", text=text, date=date, attributions=[attribution])
    return add_times(article, {}).attributions[0].time


def test_the_step_is_registered():
    assert STEPS["times"] is add_times


def test_on_sunday_across_a_month_boundary():
    text = "The mayor said on Sunday that the bridge would reopen."
    time = timed(text, "The mayor", "said", "the bridge would reopen")
    assert (time.text, time.value, time.value_end) == ("Sunday", "2021-10-31", None)
    assert text[time.start : time.end] == "Sunday"


@pytest.mark.parametrize(
    ("sentence", "cue", "expression", "value"),
    [
        ("Senator Ames told CNN on Monday that she would run.", "told", "Monday", "2021-11-01"),
        ("Senator Ames said in an interview Tuesday that she would run.", "said", "Tuesday", "2021-10-26"),
        ("Senator Ames said Tuesday morning that she would run.", "said", "Tuesday morning", "2021-10-26"),
        ("Earlier today, Senator Ames said that she would run.", "said", "Earlier today", "2021-11-01"),
        ("At Friday's rally, Senator Ames said that she would run.", "said", "Friday", "2021-10-29"),
        ("Senator Ames said in 2012 that she would run.", "said", "2012", "2012-01-01"),
        ("Senator Ames said this morning that she would run.", "said", "this morning", "2021-11-01"),
    ],
)
def test_phrasings(sentence, cue, expression, value):
    time = timed(sentence, "Senator Ames", cue, "she would run")
    assert (time.text, time.value) == (expression, value)


def test_weekday_across_a_year_boundary():
    text = "Officials said Thursday that the roads were clear."
    time = timed(text, "Officials", "said", "the roads were clear", date=dt.date(2022, 1, 3))
    assert time.value == "2021-12-30"


def test_weekday_equal_to_the_article_date_is_that_day():
    text = "The minister said Monday night that talks had failed."
    time = timed(text, "The minister", "said", "talks had failed")
    assert (time.text, time.value) == ("Monday night", "2021-11-01")


def test_last_weekday_is_strictly_before_the_article_date():
    text = "The minister said last Monday that talks had failed."
    assert timed(text, "The minister", "said", "talks had failed").value == "2021-10-25"


def test_month_day_range():
    text = "Speaking on March 3 and 4, the governor said the state was ready."
    time = timed(text, "the governor", "said", "the state was ready")
    assert (time.text, time.value, time.value_end) == ("March 3 and 4", "2021-03-03", "2021-03-04")


@pytest.mark.parametrize(
    ("expression", "value", "value_end"),
    [
        ("March 3-4", "2021-03-03", "2021-03-04"),
        ("March 3 to 5", "2021-03-03", "2021-03-05"),
        ("3 March", "2021-03-03", None),
        ("Oct. 5, 2016", "2016-10-05", None),
        ("Dec. 30 to Jan. 2", "2020-12-30", "2021-01-02"),
        ("Nov. 2", "2020-11-02", None),  # a day after the article date is last year's
        ("last month", "2021-10-01", "2021-10-31"),
        ("earlier this week", "2021-11-01", "2021-11-07"),
        ("this month", "2021-11-01", "2021-11-30"),
        ("last year", "2020-01-01", "2020-12-31"),
        ("2012", "2012-01-01", "2012-12-31"),
        ("March", "2021-03-01", "2021-03-31"),
        ("December", "2020-12-01", "2020-12-31"),
        ("March 2015", "2015-03-01", "2015-03-31"),
        ("the weekend", "2021-10-30", "2021-10-31"),
        ("tonight", "2021-11-01", None),
        ("last night", "2021-10-31", None),
        ("Feb. 30", None, None),
        ("Labor Day", "2021-09-06", None),  # the first Monday of September
        ("Thanksgiving", "2021-11-25", None),  # still ahead, and last year's too long ago: this year's (no statement time)
        ("Memorial Day", "2021-05-31", None),  # the last Monday of May
        ("Fourth of July", "2021-07-04", None),
    ],
)
def test_resolve(expression, value, value_end):
    assert resolve(expression, MONDAY) == (value, value_end)


def test_a_holiday_ahead_in_a_january_article_is_last_year_s():
    assert resolve("Christmas Eve", dt.date(2022, 1, 10)) == ("2021-12-24", None)


def test_last_week_is_the_previous_calendar_week():
    text = "The company announced last week that it would close the plant."
    time = timed(text, "The company", "announced", "it would close the plant", date=dt.date(2021, 11, 4))
    assert (time.text, time.value, time.value_end) == ("last week", "2021-10-25", "2021-10-31")


def test_yesterday_is_the_day_before():
    text = "Yesterday, the senator told reporters she would run."
    time = timed(text, "the senator", "told", "she would run")
    assert (time.text, time.value) == ("Yesterday", "2021-10-31")


@pytest.mark.parametrize("written", ["Sept. 12", "Sep 12", "Sept 12", "September 12"])
def test_abbreviated_months(written):
    text = f"In a speech on {written}, Obama said the war was over."
    time = timed(text, "Obama", "said", "the war was over")
    assert (time.text, time.value) == (written, "2021-09-12")


def test_a_time_inside_the_content_is_not_taken():
    text = "The coach said the team would play on Sunday."
    assert timed(text, "The coach", "said", "the team would play on Sunday") is None


def test_the_nearest_time_outside_the_content_wins():
    text = "On Friday, the coach said Saturday that the team would play on Sunday."
    time = timed(text, "the coach", "said", "the team would play on Sunday")
    assert (time.text, time.value) == ("Saturday", "2021-10-30")


def test_without_a_date_relative_times_keep_their_text_only():
    text = "The mayor said on Sunday that the bridge would reopen."
    time = timed(text, "The mayor", "said", "the bridge would reopen", date=None)
    assert (time.text, time.value, time.value_end) == ("Sunday", None, None)


def test_without_a_date_times_with_a_year_still_resolve():
    text = "The mayor said on Oct. 5, 2016, that the bridge would reopen."
    time = timed(text, "The mayor", "said", "the bridge would reopen", date=None)
    assert (time.text, time.value) == ("Oct. 5, 2016", "2016-10-05")


def test_no_time_expression_gives_none():
    text = "The mayor said that the bridge would reopen soon."
    assert timed(text, "The mayor", "said", "the bridge would reopen soon") is None


def test_vague_times_are_not_taken():
    text = "The mayor recently said in the past that the bridge would reopen."
    assert timed(text, "The mayor", "said", "the bridge would reopen") is None


@pytest.mark.parametrize(
    ("between", "taken"),
    [
        ("in an address to the town council", True),
        ("in a long and rambling address to the assembled town council", False),
    ],
)
def test_far_away_times_are_not_taken(between, taken):
    text = f"The mayor said {between} on Sunday: the bridge would reopen."
    time = timed(text, "The mayor", "said", "the bridge would reopen")
    assert (time is not None) == taken


def test_times_across_another_cue_are_not_taken():
    text = "The coach said Sunday that the team was ready, and the mayor said the bridge would reopen."
    assert timed(text, "the mayor", "said", "the bridge would reopen") is None


def test_times_of_a_relative_clause_are_not_taken():
    text = "The mayor, who arrived on Sunday, said the bridge would reopen."
    assert timed(text, "The mayor", "said", "the bridge would reopen") is None
    text = "The mayor, who on Sunday said the bridge would reopen, left."
    assert timed(text, "The mayor", "said", "the bridge would reopen").value == "2021-10-31"


def test_times_in_the_next_sentence_are_not_taken():
    text = "The mayor said the bridge would reopen. Sunday was quiet."
    assert timed(text, "The mayor", "said", "the bridge would reopen") is None


def test_without_a_cue_the_source_anchors_the_search():
    text = "According to the mayor on Sunday, the bridge would reopen."
    time = timed(text, "the mayor", None, "the bridge would reopen")
    assert time.value == "2021-10-31"


def test_times_the_statement_is_before_or_after_are_not_taken():
    text = "The mayor said before Sunday that the bridge would reopen."
    assert timed(text, "The mayor", "said", "the bridge would reopen") is None
    text = "The mayor has said since 2012 that the bridge would reopen."
    assert timed(text, "The mayor", "has said", "the bridge would reopen") is None


def test_future_times_are_not_taken():
    text = "The mayor said in 2025 that the bridge would reopen."
    assert timed(text, "The mayor", "said", "the bridge would reopen") is None


@pytest.mark.parametrize(
    "text", ["Trump told USA Today that he would win.", "Biden told CBS This Morning he would win.",
             "She spoke at the Super Tuesday rally and said she would win."]
)
def test_names_are_not_times(text):
    assert [e.text for e in find_expressions(text, 0, len(text))] == []


def test_a_full_month_name_leaves_the_full_stop_out():
    text = "The mayor said the bridge would reopen, he said in August. Then it rained."
    [expression] = find_expressions(text, 0, len(text))
    assert expression.text == "August"


@pytest.mark.parametrize(
    ("sentence", "source", "cue", "content", "value", "value_end"),
    [
        ("In a March 2016 meeting with editors, Senator Ames said that she would run.",
         "Senator Ames", "said", "she would run", "2016-03-01", "2016-03-31"),
        ("The alliance at its July summit in Warsaw decided to send troops.",
         "The alliance", "decided", "to send troops", "2021-07-01", "2021-07-31"),
        ("In his 2002 book, Mr. Ames suggested saving early.", "Mr. Ames", "suggested", "saving early", "2002-01-01", "2002-12-31"),
        ("Two years ago, Senator Ames said that she would run.", "Senator Ames", "said", "she would run", "2019-01-01", "2019-12-31"),
        ("Senator Ames said three days ago that she would run.", "Senator Ames", "said", "she would run", "2021-10-29", None),
        ("Senator Ames insisted, most recently in a Labor Day interview, that she would run.",
         "Senator Ames", "insisted", "she would run", "2021-09-06", None),
        # a "when" clause after an event with its time
        ("It echoed the 2012 election, when Senator Ames argued that she would run.",
         "Senator Ames", "argued", "she would run", "2012-01-01", "2012-12-31"),
        ("They cite the 2000 election in Florida, when the state wrongly claimed that voters were felons.",
         "the state", "wrongly claimed", "voters were felons", "2000-01-01", "2000-12-31"),
        ("The issue grew after this week's debate, when Senator Ames suggested that taxes would rise.",
         "Senator Ames", "suggested", "taxes would rise", "2021-11-01", "2021-11-07"),
        # a subordinate clause after the cue or the content
        ("“We will march,” Senator Ames said as she and hundreds of other marchers moved slowly through the old city center early Sunday morning.",
         "Senator Ames", "said", "“We will march,”", "2021-10-31", None),
        ("But his remarks on Saturday carried a personal tone, and a tacit acknowledgment that he alone can win.",
         "his", "a tacit acknowledgment", "he alone can win", "2021-10-30", None),
        ("Few people would have described Senator Ames as a reformer when she ran for the Senate in 2008.",
         "Few people", "would have described", "Senator Ames as a reformer", "2008-01-01", "2008-12-31"),
    ],
)
def test_event_phrases_and_ago(sentence, source, cue, content, value, value_end):
    time = timed(sentence, source, cue, content)
    assert (time.value, time.value_end) == (value, value_end)


def test_a_bare_year_outside_an_event_phrase_is_not_taken():
    text = "Senator Ames, born in a 1960 blizzard, said that she would run."
    assert timed(text, "Senator Ames", "said", "she would run") is None


def test_a_time_after_the_content_and_an_event_phrase_dates_the_cue():
    text = "Judge Nervo rejected that argument in a ruling released Thursday."
    assert timed(text, "Judge Nervo", "rejected", "that argument").value == "2021-10-28"
    text = "Mr. Mook said as much in an interview earlier Thursday morning."
    assert timed(text, "Mr. Mook", "said", "as much").value == "2021-10-28"
    text = "Mr. Mook said as much to a crowd of supporters who gathered on Thursday."
    assert timed(text, "Mr. Mook", "said", "as much") is None


def test_a_long_source_between_the_time_and_the_cue_does_not_count_as_distance():
    text = ("In a panel discussion on Saturday, Marc Morial, the chief executive of the National Urban League, "
            "told a young woman that voting mattered.")
    source = "Marc Morial, the chief executive of the National Urban League,"
    assert timed(text, source, "told", "that voting mattered").value == "2021-10-30"


def test_the_release_date_of_a_document_source_is_its_time():
    def time_of_poll(text: str, source: str):
        attribution = Attribution(id="a1", source=span(text, source), cue=span(text, "according to"),
                                  content=span(text, "Ames leads"))
        return add_times(Article(id="t", text=text, date=MONDAY, attributions=[attribution]), {}).attributions[0].time

    assert time_of_poll("Ames leads, according to a Daily Ledger poll released Friday.",
                        "a Daily Ledger poll released Friday").value == "2021-10-29"
    assert time_of_poll("Ames leads, according to a poll taken Friday.", "a poll taken Friday").value == "2021-10-29"
    source = "a report released by the Department of Veterans Affairs last month"
    assert time_of_poll(f"Ames leads, according to {source}.", source).value == "2021-10-01"
    assert time_of_poll("Ames leads, according to a poll of voters who moved on Friday.",
                        "a poll of voters who moved on Friday") is None


def test_after_before_the_cue_still_lets_the_cue_keep_its_time():
    text = "After aides insisted in June that the senator would run, she declined."
    assert timed(text, "aides", "insisted", "the senator would run").value == "2021-06-01"


def test_a_time_inside_another_attribution_s_content_is_not_taken():
    text = "Senator Ames said she did not believe the ads hurt Mr. Cole in 2012, arguing that money mattered less."
    first = Attribution(id="a1", source=span(text, "Senator Ames"), cue=span(text, "said"),
                        content=span(text, "she did not believe the ads hurt Mr. Cole in 2012"))
    second = Attribution(id="a2", source=span(text, "Senator Ames"), cue=span(text, "arguing"),
                         content=span(text, "that money mattered less"))
    article = add_times(Article(id="t", text=text, date=MONDAY, attributions=[first, second]), {})
    assert article.attributions[1].time is None


def test_a_possessive_is_a_time_only_after_a_preposition():
    text = "Senator Ames will use Friday's debate to make news, Mr. Cole said: she has a plan."
    assert timed(text, "Mr. Cole", "said:", "she has a plan") is None


def test_a_quoted_title_between_the_time_and_the_cue_is_no_clause_break():
    text = "On Tuesday’s episode of “The Morning Show,” Senator Ames said that she would run."
    assert timed(text, "Senator Ames", "said", "she would run").value == "2021-10-26"
    text = "On Tuesday, “we will win,” Senator Ames said, and she would run."
    assert timed(text, "Senator Ames", "said", "she would run") is None


def test_a_time_opening_the_sentence_dates_its_main_clause_past_a_subordinate_one():
    text = "Eight years ago, when the two senators ran against each other for the same open seat, both men said the plant should close."
    time = timed(text, "both men", "said", "the plant should close")
    assert (time.text, time.value, time.value_end) == ("Eight years ago", "2013-01-01", "2013-12-31")
    # A quotation or a dash in between puts the cue in another clause.
    text = "In July, the mayor called the plan “a dead end” — a sign of the council’s loss of nerve."
    assert timed(text, "council’s", "loss of", "nerve") is None


@pytest.mark.parametrize(
    ("text", "source", "cue", "content", "value"),
    [
        # Monday 2021-11-01's article dates the debate to Friday night: the day before it is Thursday
        ("The first debate Friday night drew millions. In a column the day before the debate, two writers urged her to attack.",
         "two writers", "urged", "her to attack", "2021-10-28"),
        ("Saturday's summit ended late. After the summit, aides acknowledged that little was agreed.",
         "aides", "acknowledged", "little was agreed", "2021-10-30"),
        ("Cole cited his endorsements from 88 generals Tuesday.", "Cole", "cited", "his endorsements from 88 generals Tuesday", "2021-10-26"),
    ],
)
def test_times_from_dated_events_and_a_day_closing_an_object(text, source, cue, content, value):
    time = timed(text, source, cue, content)
    assert time is not None and time.value == value


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("The mayor said the vote would be held Tuesday.", "the vote would be held Tuesday"),
        ("The mayor said Clinton reached out Tuesday.", "Clinton reached out Tuesday"),
        ("In a column the day before the debate, two writers urged her to attack.", "her to attack"),  # the debate is not dated
    ],
)
def test_a_day_of_a_clause_and_an_undated_event_are_no_times(text, content):
    source = "two writers" if "writers" in text else "The mayor"
    cue = "urged" if "urged" in text else "said"
    assert timed(text, source, cue, content) is None


def test_a_when_clause_after_a_future_cue_is_no_time():
    text = "Her supporters will work to call for amendments when the draft goes to the full committee in Orlando on Friday."
    assert timed(text, "Her supporters", "to call for", "amendments") is None


def test_a_coordinated_cue_of_the_same_source_shares_its_time():
    def times(text: str, second_source: str) -> list[str | None]:
        first = Attribution(id="a1", source=span(text, "The council"), cue=span(text, "made a strong condemnation of"),
                            content=span(text, "North Korea's latest nuclear test"))
        source = first.source if second_source == "The council" else span(text, second_source)
        second = Attribution(id="a2", source=source, cue=span(text, "pledged"), content=span(text, "to impose sanctions"))
        article = add_times(Article(id="t", text=text, date=MONDAY, attributions=[first, second]), {})
        return [a.time.value if a.time else None for a in article.attributions]

    text = "The council on Friday made a strong condemnation of North Korea's latest nuclear test and pledged to impose sanctions."
    assert times(text, "The council") == ["2021-10-29"] * 2
    text = "The council on Friday made a strong condemnation of North Korea's latest nuclear test. Its chair pledged to impose sanctions."
    assert times(text, "Its chair") == ["2021-10-29", None]


def test_a_compound_number_counts_back_whole():
    assert timed("Twenty-two years ago, the Times hailed Ames as a winner.", "the Times", "hailed", "Ames as a winner").value == "1999-01-01"
