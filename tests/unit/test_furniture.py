"""find_furniture and mask: page furniture lines are found, prose and quotes are not, offsets stay."""

import pytest

from quotegraph.text.furniture import MAX_LINE_CHARS, find_furniture, furniture_spans, mask

FURNITURE = [
    # share and comment prompts
    "Share this article",
    "Share on Facebook",
    "Share",
    "Tweet",
    "Share Tweet Email",
    "Facebook | Twitter | LinkedIn",
    "Email this article",
    "Comment this post",
    "Comments",
    "12 comments",
    "Click here to comment",
    # newsletter and subscription prompts
    "Subscribe to our newsletter",
    "Sign up for The Morning newsletter",
    "Sign up for our daily briefing",
    "Subscribe now",
    # links to other stories, ads
    "Read more:",
    "Read more: Senate passes the budget",
    "Read the rest here.",
    "Related:",
    "Related: How the votes were counted",
    "Related stories",
    "Continue reading the main story",
    "Advertisement",
    "ADVERTISEMENT",
    "Story continues below advertisement",
    # photo credits and captions
    "Photo: Jane Roe/Reuters",
    "(AP Photo/Evan Vucci)",
    "The senator speaks in Columbus on Tuesday. (AP Photo/John Doe)",
    "Image copyright Getty Images",
    "Image caption Protesters outside the court",
    "Getty Images",
    "AFP via Getty Images",
    "Jane Roe/Reuters",
    # bylines and credits
    "By Jane Roe",
    "By JANE ROE and JOHN DOE, Associated Press",
    "By Jane Roe, The Washington Post staff writer",
    "By Jane Roe | Staff Writer",
    "Jane Roe | Reporter",
    "Reporting by Jane Roe in Washington; Editing by John Doe",
    # datelines alone on their line
    "March 3, 2016",
    "Published: 3 March 2016 10:45 GMT",
    "Updated 10:45 a.m. ET, Thu March 3, 2016",
    "2016-03-03",
    "Posted on March 3, 2016 at 5:30 pm",
    # social and copyright lines
    "Follow us on Twitter",
    "Follow Jane Roe on Twitter @janeroe",
    "Like us on Facebook",
    "© 2016 The Associated Press. All rights reserved.",
    "Copyright 2016 Reuters",
    "This material may not be published, broadcast, rewritten or redistributed.",
]

PROSE = [
    "He said he would share the report with Congress.",
    "“We will share everything we have,” she said.",
    "Share prices fell 3 percent on Tuesday.",
    "Share the wealth with everyone.",
    "By Tuesday, Congress had left town.",
    "By then, the damage was done.",
    "By contrast, Democrats said the bill was dead.",
    "Like many others on Twitter, she said the vote was rigged.",
    "Subscribers will get email updates, the company said.",
    "“Read more books,” the mayor told students.",
    "The photo showed the senator at a rally.",
    "Photographs of the meeting were released on Monday, officials said.",
    "Comments from the governor drew criticism.",
    "The advertisement ran in three states, the campaign said.",
    "In March 2016, the senator said he would run.",
    "He posted on Twitter that he would not resign.",
    "“Follow the money,” he said.",
    "Copyright law was at issue, the judge said.",
    "The court ruled on March 3, 2016, that the law stood.",
    "Reuters reported that the talks had stalled.",
    "“I never said that,” Trump told reporters.",
]


@pytest.mark.parametrize("line", FURNITURE)
def test_furniture_line_is_found(line):
    text = f"The mayor said the count was over.\n{line}\nOfficials agreed.\n"
    start = text.index(line)
    assert find_furniture(text) == [(start, start + len(line))]


@pytest.mark.parametrize("line", PROSE)
def test_prose_and_quotes_are_not_furniture(line):
    assert find_furniture(f"{line}\n\n{line}") == []


def test_long_line_is_never_furniture():
    line = "Share this article " + "x" * MAX_LINE_CHARS
    assert find_furniture(line) == []


def test_ranges_leave_out_indentation_and_line_ends():
    text = "  By Jane Roe  \r\nShe said so.\r\n\tAdvertisement\r\n"
    ranges = find_furniture(text)
    assert [text[a:b] for a, b in ranges] == ["By Jane Roe", "Advertisement"]


def test_hostile_lines_are_quick():
    lines = ["By " + "Jane Roe, " * 11, "1" * 119 + "x", "March 3 " * 14 + "x", "Reporting by " + "Jane Roe and " * 8]
    assert find_furniture("\n".join(lines)) == []


def test_mask_blanks_furniture_and_keeps_length_offsets_and_line_ends():
    text = "By Jane Roe\nShare this article\n\n“We will win,” she said.\r\nAdvertisement\n"
    ranges = find_furniture(text)
    masked = mask(text, ranges)
    assert len(masked) == len(text)
    assert masked.count("\n") == text.count("\n") and masked.count("\r") == text.count("\r")
    quote = text.index("“We")
    assert masked[quote:].startswith("“We will win,” she said.")
    assert masked.split() == ["“We", "will", "win,”", "she", "said."]


def test_mask_of_no_ranges_is_the_text():
    assert mask("He said so.\n", []) == "He said so.\n"


def test_furniture_spans_point_into_the_text():
    text = "Photo: Jane Roe/Reuters\nThe senator said he would stay.\nTweet\n"
    spans = furniture_spans(text, find_furniture(text))
    assert [(s.start, s.end, s.text) for s in spans] == [(0, 23, "Photo: Jane Roe/Reuters"), (56, 61, "Tweet")]
    assert all(text[s.start : s.end] == s.text for s in spans)
