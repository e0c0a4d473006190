"""Speech acts: the cue decides, framing verbs look ahead, neutral cues fall back on speaker and content."""

import pytest

from quotegraph.enrich.acts import act_of, acts, rules, source_head
from quotegraph.model import Article, Attribution, Span, Speaker


def span(text: str, piece: str) -> Span:
    start = text.index(piece)
    return Span.from_parts(text, [(start, start + len(piece))])


def act(text: str, source: str | None, cue: str | None, content: str, speaker_type: str | None = None) -> str:
    """The act the step gives one attribution of ``text``, found by its substrings."""
    attribution = Attribution(
        id="a1",
        source=span(text, source) if source else None,
        cue=span(text, cue) if cue else None,
        content=span(text, content),
        speaker=Speaker(type=speaker_type) if speaker_type else None,
    )
    article = acts(Article(id="t", text=text, attributions=[attribution]), {})
    return article.attributions[0].act


@pytest.mark.parametrize(
    ("text", "source", "cue", "content", "expected"),
    [
        ("The minister denied that the funds were missing.", "The minister", "denied", "that the funds were missing", "deny"),
        ("Smith rejected the claims that he lied.", "Smith", "rejected the claims", "that he lied", "deny"),
        ("Jones called the report baseless.", "Jones", "called", "the report baseless", "deny"),
        ("Unions urged the government to act.", "Unions", "urged", "the government to act", "appeal"),
        ("She called for an inquiry into the deal.", "She", "called for", "an inquiry into the deal", "appeal"),
        ("Officials asked residents to stay indoors.", "Officials", "asked", "residents to stay indoors", "appeal"),
        ("He accused Smith of lying about the budget.", "He", "accused", "Smith of lying about the budget", "accuse"),
        ("The mayor spoke, calling it a minor issue.", "The mayor", "calling", "it a minor issue", "downplay"),
        ("The mayor played down the leak.", "The mayor", "played down", "the leak", "downplay"),
        ("He believes the plan will fail.", "He", "believes", "the plan will fail", "belief"),
        ("He refused to release the records.", "He", "refused", "to release the records", "deny"),
        ("Doctors have expressed deep concern about the new rules.", "Doctors", "have expressed deep concern", "about the new rules", "warn"),
        ("It was the mayor's own admission that he lost the files.", "the mayor's", "own admission", "that he lost the files", "confirm"),
        ("Clinton called half of his supporters deplorables.", "Clinton", "called", "half of his supporters deplorables", "accuse"),
        ("She said the move reeks of fear.", "She", "said", "the move reeks of fear", "accuse"),
        ("He said that she lacks the judgment to lead.", "He", "said", "that she lacks the judgment to lead", "accuse"),
        ("The engineer said we are deeply concerned about the dam.", "The engineer", "said", "we are deeply concerned about the dam", "warn"),
        ("The senator barely mentioned the deficit.", "The senator", "barely mentioned", "the deficit", "downplay"),
        ("Sanders offered some pointed advice to Clinton.", "Sanders", "offered", "some pointed advice to Clinton", "appeal"),
        ("The campaign would like to hold another rally.", "The campaign", "would like", "to hold another rally", "belief"),
        ("Her submission to the court noted that the records were sealed.", "Her submission to the court", "noted", "that the records were sealed", "report"),
        ("His tax returns would shed light on how he works.", "His tax returns", "would shed light on", "how he works", "report"),
        ("Ryan said this country has to find new ways to heal.", "Ryan", "said", "this country has to find new ways to heal", "appeal"),
        ("The court overturned the ruling.", "The court", "overturned", "the ruling", "deny"),
        ("The judge ruled against the state.", "The judge", "ruled against", "the state", "deny"),
        ("She fears the plan will fail.", "She", "fears", "the plan will fail", "belief"),
        ("Analysts expect growth to slow.", "Analysts", "expect", "growth to slow", "belief"),
        ("He thinks the plan will fail.", "He", "thinks", "the plan will fail", "belief"),
        ("She hopes the talks resume.", "She", "hopes", "the talks resume", "belief"),
        ("He wants the talks to resume.", "He", "wants", "the talks to resume", "belief"),
        ("Officials confirmed the closure.", "Officials", "confirmed", "the closure", "confirm"),
        ("She acknowledged the delay.", "She", "acknowledged", "the delay", "confirm"),
        ("He admitted mistakes were made.", "He", "admitted", "mistakes were made", "confirm"),
        ("Experts warned of shortages.", "Experts", "warned", "of shortages", "warn"),
        ("He promised a new school.", "He", "promised", "a new school", "promise"),
        ("He vowed to fight on.", "He", "vowed", "to fight on", "promise"),
        ("She pledged to cut taxes.", "She", "pledged", "to cut taxes", "promise"),
        ("Reporters asked whether he would resign.", "Reporters", "asked whether", "he would resign", "question"),
        ("He questioned the figures.", "He", "questioned", "the figures", "question"),
        ("She wondered if it mattered.", "She", "wondered", "if it mattered", "question"),
        ("The mayor told his aides to find the money.", "The mayor", "told", "his aides to find the money", "appeal"),
        ("His spokeswoman told CNN that Gore plans to skip it.", "His spokeswoman", "told", "that Gore plans to skip it", "statement"),
        ("Donors renewed their call to abandon Cole.", "Donors", "call", "to abandon Cole", "appeal"),
        ("The judge agreed with Ann that there was no reason to intrude.", "The judge", "agreed with", "Ann that there was no reason to intrude", "confirm"),
        ("She watched the returns.", "She", "watched", "the returns", "belief"),
        ("Cole continues his adulation of Putin.", "Cole", "continues his adulation of", "Putin", "belief"),
        ("The accord committed every country to cutting emissions.", "The accord", "committed", "every country to cutting emissions", "promise"),
        ("Pence plans to release his returns soon.", "Pence", "plans to", "release his returns soon", "promise"),
        ("She is proposing new solar panels.", "She", "is proposing", "new solar panels", "promise"),
        ("The court ruled Friday against the purge.", "The court", "ruled", "against the purge", "deny"),
        ("Rendell agreed that the rules should be modernized.", "Rendell", "agreed", "that the rules should be modernized", "confirm"),
        ("Rendell agreed to debate in October.", "Rendell", "agreed", "to debate in October", "promise"),
        ("Black Lawmakers Rip Trump As A Fraud.", "Black Lawmakers", "Rip", "Trump As A Fraud", "accuse"),
        ("Allegations of fraud followed the deal.", None, "Allegations of", "fraud", "accuse"),
        ("The president declined to threaten Moscow.", "The president", "declined", "to threaten Moscow", "deny"),
        ("Britain has long blocked any such discussion.", "Britain", "has long blocked", "any such discussion", "deny"),
        ("The council is dedicated to taking action.", "The council", "is dedicated", "to taking action", "promise"),
        ("Joseph loves the school her daughter attends.", "Joseph", "loves", "the school her daughter attends", "belief"),
        ("Holt pressed him on how he would bring jobs back.", "Holt", "pressed him on", "how he would bring jobs back", "question"),
        ("The campaign starts to look like a simulation.", "The campaign", "to look like", "a simulation", "statement"),
    ],
)
def test_specific_cues_decide(text, source, cue, content, expected):
    assert act(text, source, cue, content) == expected


@pytest.mark.parametrize(
    ("text", "cue", "expected"),
    [
        ("The Times reported that the deal was off.", "reported", "report"),
        ("The Times revealed that the deal was off.", "revealed", "report"),
        ("The Times found that the deal was off.", "found", "report"),
        ("The Times shows that the deal was off.", "shows", "report"),
        ("The Times said that the deal was off.", "said", "report"),
    ],
)
def test_media_and_documents_report(text, cue, expected):
    assert act(text, "The Times", cue, "that the deal was off", speaker_type="media") == expected


def test_rules_and_the_media_as_sources_report():
    text = "The party's rules empower the committee to name a candidate."
    assert act(text, "The party's rules", "empower", "the committee to name a candidate") == "report"
    text = "State news media claimed the test was a success."
    assert act(text, "State news media", "claimed", "the test was a success") == "report"


def test_reporting_by_a_person_is_a_statement():
    text = "Smith revealed that the deal was off."
    assert act(text, "Smith", "revealed", "that the deal was off", speaker_type="person") == "statement"


def test_without_a_speaker_the_source_text_reads_as_media():
    text = "According to a new poll by the university, the race is tied."
    assert act(text, "a new poll by the university", "According to", "the race is tied") == "report"
    text = "According to Smith, the race is tied."
    assert act(text, "Smith", "According to", "the race is tied") == "statement"
    text = "The Washington Post said the deal was off."
    assert act(text, "The Washington Post", "said", "the deal was off") == "report"


@pytest.mark.parametrize(
    ("text", "content", "expected"),
    [
        ('"That is simply not true," he said.', "That is simply not true,", "deny"),
        ('"It never happened," he said.', "It never happened,", "deny"),
        ("He said Smith lied to the voters.", "Smith lied to the voters", "accuse"),
        ('"It would be a disaster for the town," he said.', "It would be a disaster for the town,", "warn"),
        ('"We must act now," he said.', "We must act now,", "appeal"),
        ('"We will cut taxes," he said.', "We will cut taxes,", "promise"),
        ("He said the plan was good.", "the plan was good", "statement"),
        ('"I\'ll tell you, it was a long night," he said.', "I'll tell you, it was a long night,", "statement"),
        ('"He is unfit to lead and disrespects our veterans," he said.', "He is unfit to lead and disrespects our veterans,", "accuse"),
        ('"It is the greatest long-term threat we face," he said.', "It is the greatest long-term threat we face,", "warn"),
        ('"We can\'t afford to wait," he said.', "We can't afford to wait,", "warn"),
        ('"The country needs to heal," he said.', "The country needs to heal,", "appeal"),
        ('"It is time to end the sanctions," he said.', "It is time to end the sanctions,", "appeal"),
        ("He said he plans to hire more staff.", "he plans to hire more staff", "promise"),
        ('"We remain committed to the refugees," he said.', "We remain committed to the refugees,", "promise"),
        ('"I need to think about it," he said.', "I need to think about it,", "statement"),
        ("He said he will veto the bill.", "he will veto the bill", "promise"),
        ("He said she’ll continue her march later this week.", "she’ll continue her march later this week", "promise"),
        ("He said he would consider it an insult.", "he would consider it an insult", "statement"),
        ('"I think Cole and all candidates should do so," he said.', "I think Cole and all candidates should do so,", "appeal"),
        ('"Candidate Cole should release his returns," he said.', "Candidate Cole should release his returns,", "appeal"),
        ("He said the United States must increase its efforts abroad.", "the United States must increase its efforts abroad", "appeal"),
        ('"I have an idea of who should build it," he said.', "I have an idea of who should build it,", "statement"),
        ("He said young voters had many reasons why they should get excited.", "young voters had many reasons why they should get excited", "statement"),
        ('"Are we where we need to be? Probably not," he said.', "Are we where we need to be? Probably not,", "statement"),
        ('"What she has got to do is talk about the issues," he said.', "What she has got to do is talk about the issues,", "appeal"),
        ('"The byproducts of that can be very dangerous," he said.', "The byproducts of that can be very dangerous,", "warn"),
        ('"That delay could be deadly," he said.', "That delay could be deadly,", "warn"),
        ('"It\'s a dog whistle to all Americans," he said.', "It's a dog whistle to all Americans,", "accuse"),
        ("He said other changes are needed.", "other changes are needed", "appeal"),
        ('"There is a need for more oversight," he said.', "There is a need for more oversight,", "appeal"),
    ],
)
def test_neutral_cues_read_the_content(text, content, expected):
    assert act(text, "he" if "he said" in text else "He", "said", content) == expected


@pytest.mark.parametrize(
    ("text", "cue", "content", "expected"),
    [
        ("Jones called the report baseless.", "called", "the report baseless", "deny"),
        ("Jones called it a minor issue.", "called", "it a minor issue", "downplay"),
        ("Jones called him a liar.", "called", "him a liar", "accuse"),
        ("Jones called the plan ambitious.", "called", "the plan ambitious", "statement"),
        ("He dismissed the story as a distraction.", "dismissed", "the story as a distraction", "downplay"),
        ("He dismissed the story.", "dismissed", "the story", "deny"),
    ],
)
def test_framing_verbs_take_the_act_of_the_words_after_them(text, cue, content, expected):
    assert act(text, text.split()[0], cue, content) == expected


def test_negated_cue_is_neutral_but_belief_stays():
    assert act("He did not deny the report.", "He", "did not deny", "the report") == "statement"
    assert act("He doesn't believe the report.", "He", "doesn't believe", "the report") == "belief"


def test_multiword_cues_and_inflections():
    assert act("She took issue with the findings.", "She", "took issue with", "the findings") == "deny"
    assert act("He brushed off the criticism.", "He", "brushed off", "the criticism") == "downplay"
    assert act("He has been calling on voters to turn out.", "He", "has been calling on", "voters to turn out") == "appeal"
    assert act("He denies it.", "He", "denies", "it") == "deny"


def test_no_cue_falls_back_on_the_content():
    assert act('"That is not true."', None, None, "That is not true.") == "deny"
    assert act('"The vote is on Monday."', None, None, "The vote is on Monday.") == "statement"


def test_lemmas_follow_the_lexicon():
    lexicon = rules().cues
    assert [lexicon.lemma(w) for w in ("denied", "urged", "admitted", "hoping", "says", "told", "worried")] == [
        "deny", "urge", "admit", "hope", "say", "tell", "worry",
    ]


def test_a_document_head_noun_reports_whatever_the_name_inside_resolved_to():
    text = "Reports like the 2014 National Climate Assessment tied climate change to flooding."
    cue_start = text.index("tied")
    source = Span.from_parts(text, [(0, cue_start - 1)])
    cue = Span.from_parts(text, [(cue_start, cue_start + 4)])
    content = Span.from_parts(text, [(cue_start + 5, len(text) - 1)])
    attribution = Attribution(id="a1", source=source, cue=cue, content=content, speaker=Speaker(entity="e1", name="National Climate Assessment", type="person"))
    assert act_of(text, attribution) == "report"


def test_a_request_whose_object_comes_between_cue_and_content_is_an_appeal():
    text = "The campaign has asked Lester Holt, the moderator of the first debate, to fact check Mr. Cole."
    assert act(text, "The campaign", "has asked", "to fact check Mr. Cole") == "appeal"


def test_a_source_head_ends_at_a_release_participle():
    assert source_head("A new Quinnipiac poll out Friday") == "A new Quinnipiac poll"
    assert source_head("the survey conducted by Gallup") == "the survey"
