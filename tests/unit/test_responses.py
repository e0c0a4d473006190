"""Continuations split quotes at paragraphs and merge back; responses link replies to the claims they answer."""

from quotegraph.enrich.acts import acts
from quotegraph.enrich.responses import continuations, merge_continuations, responses
from quotegraph.model import Article, Attribution, Span, Speaker


def span(text: str, piece: str, after: int = 0) -> Span:
    start = text.index(piece, after)
    return Span.from_parts(text, [(start, start + len(piece))])


def said(text: str, source: str, cue: str, content: str, after: int = 0, **fields) -> Attribution:
    """An attribution of ``text`` from the first source, cue and content at or after ``after``."""
    return Attribution(
        id="a0",
        source=span(text, source, after),
        cue=span(text, cue, after),
        content=span(text, content, after),
        **fields,
    )


def enriched(text: str, attributions: list[Attribution]) -> list[Attribution]:
    """Run acts and responses over ``attributions`` (numbered a1..aN in order)."""
    for n, attribution in enumerate(attributions, 1):
        attribution.id = f"a{n}"
    article = Article(id="t", text=text, attributions=attributions)
    return responses(acts(article, {}), {}).attributions


# ----------------------------------------------------------------- responses


def test_denial_that_paraphrases_the_claim_is_linked():
    text = (
        "Senator Smith accused the mayor of hiding audits of the harbor contract. "
        "Mayor Jones denied that she had hidden any audit of the harbor contracts."
    )
    claim = said(text, "Senator Smith", "accused", "the mayor of hiding audits of the harbor contract")
    denial = said(text, "Mayor Jones", "denied", "that she had hidden any audit of the harbor contracts")
    result = enriched(text, [claim, denial])
    assert [a.act for a in result] == ["accuse", "deny"]
    assert result[1].responds_to == "a1"
    assert result[0].responds_to is None


def test_reply_pointing_at_the_allegations_of_an_accusation_naming_the_replier():
    text = "Brown accused Jones of taking bribes. Jones dismissed the allegations on Friday."
    claim = said(text, "Brown", "accused", "Jones of taking bribes")
    reply = said(text, "Jones", "dismissed", "the allegations", after=30)
    assert enriched(text, [claim, reply])[1].responds_to == "a1"


def test_answer_to_an_accusation_naming_its_speaker_is_linked_without_a_reply_cue():
    text = "Brown accused Jones of taking bribes from the builders. Jones said he never took money from the builders."
    claim = said(text, "Brown", "accused", "Jones of taking bribes from the builders")
    answer = said(text, "Jones", "said", "he never took money from the builders", after=50)
    assert enriched(text, [claim, answer])[1].responds_to == "a1"


def test_two_people_on_the_same_topic_are_not_linked():
    text = (
        "Smith said the harbor bridge would cost more than planned. "
        "Brown said the harbor bridge would bring jobs to the harbor."
    )
    first = said(text, "Smith", "said", "the harbor bridge would cost more than planned")
    second = said(text, "Brown", "said", "the harbor bridge would bring jobs to the harbor")
    assert [a.responds_to for a in enriched(text, [first, second])] == [None, None]


def test_denial_of_something_else_is_not_linked():
    text = "Smith said the harbor bridge would cost more than planned. Brown denied that the council met in secret."
    first = said(text, "Smith", "said", "the harbor bridge would cost more than planned")
    second = said(text, "Brown", "denied", "that the council met in secret")
    assert enriched(text, [first, second])[1].responds_to is None


def test_same_speaker_is_not_a_response():
    text = "Smith said the audit was hidden from the council. Smith denied that the audit was hidden from the council."
    first = said(text, "Smith", "said", "the audit was hidden from the council")
    second = said(text, "Smith", "denied", "that the audit was hidden from the council", after=45)
    assert enriched(text, [first, second])[1].responds_to is None


def test_same_speaker_entity_under_another_name_is_not_a_response():
    text = "Smith said the audit was hidden from the council. The senator denied that the audit was hidden from the council."
    first = said(text, "Smith", "said", "the audit was hidden from the council", speaker=Speaker(entity="E1", type="person"))
    second = said(
        text, "The senator", "denied", "that the audit was hidden from the council", after=45,
        speaker=Speaker(entity="E1", type="person"),
    )
    assert enriched(text, [first, second])[1].responds_to is None


# ----------------------------------------------------------------- continuations

QUOTE = (
    "Jones spoke at the hall.\n\n"
    '"We will rebuild the bridge," she said. "It will take two years.\n\n'
    '"And the state will pay for it."\n\n'
    "Others disagreed, Brown said."
)


def split_quote() -> tuple[list[Attribution], Article]:
    """The quote of ``QUOTE`` as one attribution over three parts, then Brown's reply; and the article after the step."""
    parts = [
        (QUOTE.index("We will"), QUOTE.index(',"') + 1),
        (QUOTE.index("It will"), QUOTE.index("years.") + 6),
        (QUOTE.index("And the"), QUOTE.index('it."') + 3),
    ]
    quote = Attribution(
        id="a1", source=span(QUOTE, "she"), cue=span(QUOTE, "said"),
        content=Span.from_parts(QUOTE, parts), kind="direct",
    )
    reply = Attribution(
        id="a2", source=span(QUOTE, "Brown"), cue=span(QUOTE, "said", parts[-1][1]),
        content=span(QUOTE, "Others disagreed"), responds_to="a1",
    )
    original = [quote, reply]
    article = Article(id="t", text=QUOTE, attributions=[a.model_copy(deep=True) for a in original])
    return original, continuations(article, {})


def test_quote_split_across_paragraphs_gives_a_continuation():
    _, article = split_quote()
    first, continued, reply = article.attributions
    assert [a.id for a in article.attributions] == ["a1", "a2", "a3"]
    assert first.content.text == 'We will rebuild the bridge," she said. "It will take two years.'
    assert first.cue.text == "said" and first.kind == "direct"
    assert continued.content.text == "And the state will pay for it."
    assert continued.cue is None and continued.continues == "a1" and continued.kind == "direct"
    assert continued.source == first.source
    assert reply.responds_to == "a1" and reply.continues is None


def test_merge_continuations_restores_the_original():
    original, article = split_quote()
    merged = merge_continuations(article.attributions, QUOTE)
    assert [a.model_dump() for a in merged] == [a.model_dump() for a in original]


def test_cueless_quote_after_a_paragraph_ending_in_a_quote_continues_it():
    text = '"We will rebuild the bridge," Jones said. "It will take two years.\n\n"And the state will pay."\n\nThe end.'
    quote = said(text, "Jones", "said", "It will take two years.", kind="direct")
    quote.content = Span.from_parts(text, [(1, text.index(',"')), (text.index("It will"), text.index("years.") + 6)])
    cueless = Attribution(id="a2", content=span(text, "And the state will pay."), kind="direct")
    quote.id = "a1"
    article = continuations(Article(id="t", text=text, attributions=[quote, cueless]), {})
    assert [(a.id, a.continues) for a in article.attributions] == [("a1", None), ("a2", "a1")]


def test_single_paragraph_content_is_left_alone():
    text = '"We will rebuild the bridge," she said, "and soon."'
    quote = Attribution(
        id="a1", source=span(text, "she"), cue=span(text, "said"), kind="direct",
        content=Span.from_parts(text, [(1, text.index(',"')), (text.index("and soon"), text.index('soon."') + 5)]),
    )
    article = continuations(Article(id="t", text=text, attributions=[quote.model_copy(deep=True)]), {})
    assert [a.model_dump() for a in article.attributions] == [quote.model_dump()]
