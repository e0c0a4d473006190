"""Entities and speakers on sentences written for the hard cases: coreference, appositions, aliases."""

import datetime as dt

import pytest

from quotegraph.config import load_settings, override
from quotegraph.enrich import enrich
from quotegraph.model import Article, Attribution, Span

SETTINGS = override(load_settings(), {"enrich.steps": ["entities", "speakers", "acts", "times"]})


def enriched(text: str, roles: list[tuple[str | None, str, str]], date: dt.date | None = None) -> Article:
    """Enrich ``text`` with attributions given as (source, cue, content) strings, found in order after the one before.

    A source is taken where it stands last before its cue ("Doe said" after "John Doe").
    """
    attributions, position = [], 0
    for n, (source, cue, content) in enumerate(roles, 1):
        content_start = text.index(content, position)
        cue_start = text.index(cue, position if cue not in content else content_start + len(content))
        spans = {"cue": (cue_start, cue), "content": (content_start, content)}
        if source is not None:
            spans["source"] = (text.rindex(source, position, max(cue_start, content_start)), source)
        position = max(start + len(part) for start, part in spans.values())
        spans = {role: Span.from_parts(text, [(start, start + len(part))]) for role, (start, part) in spans.items()}
        attributions.append(Attribution(id=f"a{n}", **spans))
    return enrich(Article(id="t", text=text, date=date, attributions=attributions), SETTINGS)


def names(article: Article) -> list[str | None]:
    return [a.speaker.name if a.speaker else None for a in article.attributions]


def test_pronoun_two_sentences_after_its_antecedent_with_another_person_between():
    text = (
        "Jane Roe met John Doe in Paris on Monday. Doe said the talks had failed. "
        "The ministry issued no statement. Two days later, she said the talks would resume."
    )
    article = enriched(text, [("Doe", "said", "the talks had failed"), ("she", "said", "the talks would resume")])
    assert names(article) == ["John Doe", "Jane Roe"]


def test_he_prefers_the_last_speaker_over_a_person_he_talks_about():
    text = (
        "Mayor Luis Granger said the city would present a plan. "
        "“Senator Tom Hill knows the numbers,” he said."
    )
    article = enriched(text, [("Mayor Luis Granger", "said", "the city would present a plan"), ("he", "said", "“Senator Tom Hill knows the numbers,”")])
    assert names(article) == ["Luis Granger", "Luis Granger"]


def test_apposition_with_a_nested_organisation_gives_role_and_affiliation():
    text = "Jane Roe, a spokeswoman for the Ministry of Health, said the clinic would close."
    article = enriched(text, [("Jane Roe, a spokeswoman for the Ministry of Health,", "said", "the clinic would close")])
    speaker = article.attributions[0].speaker
    assert (speaker.name, speaker.type, speaker.role, speaker.affiliation) == ("Jane Roe", "person", "spokeswoman", "Ministry of Health")


def test_title_before_a_name_is_the_role_and_an_organisation_in_it_the_affiliation():
    text = "Health Minister Ann Lee said nothing had changed. NBC News moderator Matt Lauer asked about the plan."
    article = enriched(text, [("Health Minister Ann Lee", "said", "nothing had changed"), ("NBC News moderator Matt Lauer", "asked", "about the plan")])
    first, second = (a.speaker for a in article.attributions)
    assert (first.name, first.role) == ("Ann Lee", "Health Minister")
    assert (second.name, second.role, second.affiliation) == ("Matt Lauer", "moderator", "NBC News")


def test_variants_of_an_organisation_are_one_entity():
    text = (
        "Jane Roe of the Ministry of Health said the clinic would close. "
        "The Health Ministry later denied the report, and the ministry said it was false."
    )
    article = enriched(text, [("The Health Ministry", "denied", "the report"), ("the ministry", "said", "it was false")])
    ministries = [e for e in article.entities if "Ministry" in e.name]
    assert len(ministries) == 1
    assert set(ministries[0].names) == {"Ministry of Health", "Health Ministry"}
    assert {a.speaker.entity for a in article.attributions} == {ministries[0].id}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("The World Health Organization", "WHO"),  # an acronym and its expansion
        ("ISIS", "the Islamic State"),  # other names from the alias list
        ("The United States", "American"),  # a country and its demonym
        ("U.S.", "the United States"),
        ("The United Nations Security Council", "The Security Council"),  # the name it ends
        ("The United Nations Security Council", "The U.N. Security Council"),  # an abbreviated part
    ],
)
def test_aliases_merge(first, second):
    text = f"{first} said cases were rising. {second} said more would follow."
    article = enriched(text, [(first, "said", "cases were rising"), (second, "said", "more would follow")])
    entities = {a.speaker.entity for a in article.attributions}
    assert len(entities) == 1 and None not in entities, [e.model_dump() for e in article.entities]


def test_unnamed_sources_are_anonymous_and_collectives_a_group():
    text = "Officials said the bridge was safe. A source close to the talks said a deal was near. Critics said the plan was late."
    article = enriched(
        text,
        [
            ("Officials", "said", "the bridge was safe"),
            ("A source close to the talks", "said", "a deal was near"),
            ("Critics", "said", "the plan was late"),
        ],
    )
    assert [a.speaker.type for a in article.attributions] == ["anonymous", "anonymous", "group"]
    assert [a.speaker.entity for a in article.attributions] == [None, None, None]


def test_description_resolves_to_the_person_with_that_title():
    text = "Sen. Tim Kaine met voters in Richmond. Later, the senator said the bill would pass."
    article = enriched(text, [("the senator", "said", "the bill would pass")])
    assert names(article) == ["Tim Kaine"]


def test_relative_who_is_the_name_before_it():
    text = "Ann Lee, who leads the council, said the vote was delayed."
    article = enriched(text, [("who", "said", "the vote was delayed")])
    assert names(article) == ["Ann Lee"]


def test_every_speaker_entity_is_an_entity_of_the_article():
    text = "Doe said it. Later he said more. The Times reported that it was over, and the newspaper said so again."
    article = enriched(text, [("Doe", "said", "it"), ("he", "said", "more"), ("The Times", "reported", "that it was over"), ("the newspaper", "said", "so again")])
    ids = {e.id for e in article.entities}
    assert all(a.speaker.entity in ids for a in article.attributions if a.speaker.entity)
    assert article.attributions[3].speaker.entity == article.attributions[2].speaker.entity


@pytest.mark.parametrize(
    ("source", "name", "role", "affiliation"),
    [
        ("Vann Newkirk II, a writer for The Atlantic,", "Vann Newkirk II", "writer", "The Atlantic"),
        ("Ann Lee, political science professor at Seton Hall University in New Jersey,", "Ann Lee", "political science professor", "Seton Hall University"),
        ("Quentin Kidd, a political scientist at Christopher Newport University in his district,", "Quentin Kidd", "political scientist", "Christopher Newport University"),
        ("Minyon Moore, a senior adviser to the Clinton campaign,", "Minyon Moore", "senior adviser", "Clinton campaign"),
        ("Rep. Greg Meeks (D-N.Y.), chairman of the Congressional Black Caucus PAC,", "Greg Meeks", "Rep.", "Congressional Black Caucus PAC"),
        ("Victor Cha, who served as Asia director for the National Security Council under President Bush,", "Victor Cha", "Asia director", None),  # a former post
        ("Ann Lee, who is Asia director for the National Security Council,", "Ann Lee", "Asia director", "National Security Council"),
        ("the Rev. Peter Wherry, of Mayfield Memorial Baptist Church,", "Peter Wherry", "Rev.", "Mayfield Memorial Baptist Church"),
        ("Virginia AFL-CIO President Doris Crouse-Mays", "Doris Crouse-Mays", "President", "Virginia AFL-CIO"),
        ("NBC’s Dante Chinni", "Dante Chinni", None, "NBC"),
        ("Speaker of the House Newt Gingrich", "Newt Gingrich", "Speaker of the House", None),
        ("Ann Lee, who had breakfast with Vice President Joe Biden,", "Ann Lee", None, None),
        ("Rep. Ann Lee, the top Democrat on the House Intelligence Committee,", "Ann Lee", "Rep.", "House Intelligence Committee"),
        ("Ann Lee, a Korea scholar at the Brookings Institution,", "Ann Lee", "Korea scholar", "Brookings Institution"),
        ("Ann Lee, an expert on China,", "Ann Lee", "expert", None),
    ],
)
def test_roles_and_affiliations_from_titles_appositions_and_possessives(source, name, role, affiliation):
    text = f"The talks in the city went on for many hours on Monday. {source} said the plan had failed."
    speaker = enriched(text, [(source, "said", "the plan had failed")]).attributions[0].speaker
    assert (speaker.name, speaker.role, speaker.affiliation) == (name, role, affiliation)


def test_an_affiliation_from_a_later_mention_joins_the_first_role():
    text = (
        "Douglas Holtz-Eakin, an economist, said the plan had failed. "
        "Mr. Holtz-Eakin, the president of the American Action Forum, said it would cost more."
    )
    article = enriched(text, [("Douglas Holtz-Eakin, an economist,", "said", "the plan had failed"),
                              ("Mr. Holtz-Eakin, the president of the American Action Forum,", "said", "it would cost more")])
    first, second = (a.speaker for a in article.attributions)
    assert first.entity == second.entity
    assert (first.role, first.affiliation) == ("economist", "American Action Forum")


def test_a_nickname_in_quotes_is_one_name_with_the_nickname_as_first_name():
    text = 'Rep. Robert C. "Bobby" Scott held a picnic on Monday. Bobby Scott said the race was open. Scott said more.'
    article = enriched(text, [("Bobby Scott", "said", "the race was open"), ("Scott", "said", "more")])
    assert len({a.speaker.entity for a in article.attributions}) == 1
    assert [a.speaker.role for a in article.attributions] == ["Rep.", "Rep."]


def test_a_description_is_not_resolved_by_its_own_words_next_to_another_name():
    text = (
        "Bernie Sanders spoke in Ohio on Monday and praised the plan. "
        "Asked about the anger of his supporters toward Clinton, the Vermont senator said that some remained."
    )
    article = enriched(text, [("Bernie Sanders", "praised", "the plan"), ("the Vermont senator", "said", "that some remained")])
    assert names(article) == ["Bernie Sanders", "Bernie Sanders"]


@pytest.mark.parametrize("open_mark, close_mark, content_has_marks", [('"', '"', True), ("''", "''", True), ("“", "”", False)])
def test_a_title_inside_a_quotation_is_no_role(open_mark, close_mark, content_has_marks):
    quote = "Candidate Cole should release his returns."
    text = f"Ann Lee said on Monday: {open_mark}{quote}{close_mark} Mr. Cole said he would not."
    content = f"{open_mark}{quote}{close_mark}" if content_has_marks else quote
    article = enriched(text, [("Ann Lee", "said on Monday:", content), ("Mr. Cole", "said", "he would not")])
    assert article.attributions[1].speaker.role is None


def test_he_prefers_the_article_s_main_person_over_a_nearer_one_named_once():
    text = (
        "Barack Obama praised the deal on Monday. Obama thanked the leaders. "
        "Obama was joined by John Kerry at the summit. He said the deal would hold."
    )
    article = enriched(text, [("He", "said", "the deal would hold")])
    assert names(article) == ["Barack Obama"]


def test_a_person_after_a_role_is_no_affiliation():
    text = "The talks went on for hours on Monday. John Podesta, a chief of staff to President Bill Clinton, said the plan had failed."
    source = "John Podesta, a chief of staff to President Bill Clinton,"
    speaker = enriched(text, [(source, "said", "the plan had failed")]).attributions[0].speaker
    assert (speaker.role, speaker.affiliation) == ("chief of staff", None)


def test_a_gendered_description_skips_people_of_the_other_gender():
    text = (
        "Donald Trump spoke in Ohio on Monday. Trump praised the crowd. Trump thanked his staff. "
        "Among the crowd was Melanie Ross, who had driven for hours. The woman said the speech was worth it."
    )
    article = enriched(text, [("The woman", "said", "the speech was worth it")])
    assert names(article) == ["Melanie Ross"]


def test_relative_who_after_a_description_or_a_place():
    text = "Trump refused to pay an architect who said he was stiffed."
    article = enriched(text, [("who", "said", "he was stiffed")])
    assert article.attributions[0].speaker.type == "anonymous"
    text = "The shift will placate nervous Democrats on Capitol Hill, who have argued that it was overdue."
    article = enriched(text, [("who", "have argued", "that it was overdue")])
    assert names(article) == ["Democrats"]
    text = (
        "Republican nominee Donald Trump spoke in Ohio on Monday to a large and loud crowd of supporters. "
        "Trump thanked them. Later, Melanie waved to the Republican nominee, who began his speech by thanking her."
    )
    article = enriched(text, [("who", "began his speech by", "thanking her")])
    assert names(article) == ["Donald Trump"]


def test_a_lede_description_resolves_to_the_name_the_next_paragraph_gives():
    text = (
        "Court strikes down the map.\n\n"
        "A federal appeals court ruled Friday that the district map was drawn unlawfully.\n\n"
        "A panel of the U.S. Court of Appeals for the Ninth Circuit sent the case back. "
        "A Los Angeles judge had said the map was lawful.\n\n"
        "County Court Justice Ann Cole had said so in March. The judge wrote that the map stood."
    )
    article = enriched(text, [
        ("A federal appeals court", "ruled", "that the district map was drawn unlawfully"),
        ("A Los Angeles judge", "had said", "the map was lawful"),
        ("The judge", "wrote", "that the map stood"),
    ])
    assert names(article)[0] == "U.S. Court of Appeals for the Ninth Circuit"
    # Past the lede a description is no held-back name: the judge of the third paragraph stays unnamed.
    assert article.attributions[1].speaker.type == "anonymous"
    # "the judge" of a "Justice": the same office.
    assert names(article)[2] == "Ann Cole"


def test_an_organisation_named_with_of_or_for_after_its_head_is_no_person():
    text = "The Committee for a Responsible Federal Budget reported that the plan would add $5 trillion to the debt."
    article = enriched(text, [("The Committee for a Responsible Federal Budget", "reported", "that the plan would add $5 trillion to the debt")])
    speaker = article.attributions[0].speaker
    assert (speaker.name, speaker.type, article.attributions[0].act) == ("Committee for a Responsible Federal Budget", "organization", "report")


def test_a_generic_description_is_no_role_of_the_main_person():
    text = (
        "Mr. Ames has not released his returns. Mr. Ames said the audit was the reason. "
        "Can someone who pays no tax relate to the average taxpaying worker? Mr. Ames said he could."
    )
    article = enriched(text, [("Mr. Ames", "said", "the audit was the reason"), ("Mr. Ames", "said", "he could")])
    assert [a.speaker.role for a in article.attributions] == [None, None]


def test_organisations_and_documents_have_no_role():
    text = (
        "The U.S. Court of Appeals for the Ninth Circuit heard the case in May. "
        "The appeals court ruled that the rules were unlawful. "
        "The latest Reuters/Ipsos opinion poll released Friday shows that voters were split. "
        "A spokesman for the court said the ruling stood."
    )
    article = enriched(text, [
        ("The appeals court", "ruled", "that the rules were unlawful"),
        ("The latest Reuters/Ipsos opinion poll released Friday", "shows", "that voters were split"),
        ("A spokesman for the court", "said", "the ruling stood"),
    ])
    assert [(a.speaker.type, a.speaker.role) for a in article.attributions] == [
        ("organization", None), ("document", None), ("anonymous", "spokesman")
    ]


def test_a_description_before_a_name_gives_its_role_and_affiliation():
    text = "A lawyer for the Harbor Street Association, Dana Ortiz, said the suit would go ahead."
    article = enriched(text, [("A lawyer for the Harbor Street Association, Dana Ortiz,", "said", "the suit would go ahead")])
    speaker = article.attributions[0].speaker
    assert (speaker.name, speaker.role, speaker.affiliation) == ("Dana Ortiz", "lawyer", "Harbor Street Association")


def test_a_person_named_in_a_title_is_the_holder_s_affiliation():
    text = (
        "Hillary Clinton spoke in Ohio on Monday. "
        "Clinton communication director Jennifer Palmieri said the trip had gone well."
    )
    article = enriched(text, [("Clinton communication director Jennifer Palmieri", "said", "the trip had gone well")])
    speaker = article.attributions[0].speaker
    assert (speaker.name, speaker.role, speaker.affiliation) == ("Jennifer Palmieri", "communication director", "Clinton")


def test_he_is_not_a_person_named_only_in_his_own_words():
    text = "Mr. Obama dismissed the criticism as politics. “You know, I love Larry Tribe,” he said."
    article = enriched(text, [("he", "said", "“You know, I love Larry Tribe,”")])
    assert names(article) == ["Obama"]


def test_he_is_not_a_person_named_in_the_participle_phrase_that_opens_his_sentence():
    text = (
        "President Barack Obama spoke in Dayton on Monday about jobs, trade and the long fight over the budget. "
        "Campaigning against Mitt Romney in 2012, he barely mentioned climate change."
    )
    article = enriched(text, [("he", "barely mentioned", "climate change")])
    assert names(article) == ["Barack Obama"]


@pytest.mark.parametrize(
    ("text", "source", "role", "affiliation"),
    [
        ("Cameron Easley for Morning Consult said the plan had failed.", "Cameron Easley", None, "Morning Consult"),
        ("Ann Lee of the Urban Institute said the plan had failed.", "Ann Lee", None, "Urban Institute"),
        ("Kenneth Baer, a former official who runs Crosscut Strategies, said the plan had failed.", "Kenneth Baer", "former official", "Crosscut Strategies"),
        (
            "Ann Lee, an economist, said the plan had failed. Ms. Lee served as budget director and is now president of the Harbor Fund.",
            "Ann Lee", "economist", "Harbor Fund",
        ),
        (
            "Dana Ortiz said the plan had failed. (Ms. Ortiz is now the chairman of Mrs. Cole's presidential campaign.)",
            "Dana Ortiz", None, "Mrs. Cole's presidential campaign",
        ),
        (
            "Rucker Pell, who runs Cole's get-out-the-vote effort for veterans' families, said the plan had failed.",
            "Rucker Pell", None, "Cole's get-out-the-vote effort for veterans' families",
        ),
        ("Tom Hill of Ohio said the plan had failed.", "Tom Hill", None, None),
        ("Tom Hill said the plan had failed. Voters backed Hill for the Harbor seat in May.", "Tom Hill", None, None),
        ("Tom Hill said the plan had failed. Hill has been a supporter of Mr. Cole's bold instincts.", "Tom Hill", None, None),
    ],
)
def test_an_affiliation_stated_after_a_name(text, source, role, affiliation):
    speaker = enriched(text, [(source, "said", "the plan had failed")]).attributions[0].speaker
    assert (speaker.role, speaker.affiliation) == (role, affiliation)


def test_the_campaign_s_press_secretary_works_for_the_article_s_campaign():
    text = (
        "The Cole campaign spent heavily in May. Brian Fallon, the campaign’s press secretary, said the ads had worked. "
        "Fallon said more would follow."
    )
    article = enriched(text, [("Brian Fallon, the campaign’s press secretary,", "said", "the ads had worked"), ("Fallon", "said", "more would follow")])
    assert [(a.speaker.role, a.speaker.affiliation) for a in article.attributions] == [("press secretary", "Cole campaign")] * 2


def test_a_title_in_the_writer_s_words_of_a_content_holds_but_not_one_in_its_quotation():
    text = (
        "Mayor Ann Lee criticized Tulsa, Okla., police officer Betty Shelby for the shooting. "
        "Shelby said she had feared for her life. "
        "Lee described Democratic presidential nominee Hillary Clinton as “a friend of Governor Tom Hill.” Hill said nothing. "
        "Clinton said she would visit."
    )
    article = enriched(text, [
        ("Mayor Ann Lee", "criticized", "Tulsa, Okla., police officer Betty Shelby for the shooting"),
        ("Shelby", "said", "she had feared for her life"),
        ("Lee", "described", "Democratic presidential nominee Hillary Clinton as “a friend of Governor Tom Hill.”"),
        ("Hill", "said", "nothing"),
        ("Clinton", "said", "she would visit"),
    ])
    shelby, hill, clinton = (article.attributions[n].speaker for n in (1, 3, 4))
    assert (shelby.role, shelby.affiliation) == ("police officer", "Tulsa police")
    assert hill.role is None
    assert (clinton.role, clinton.affiliation) == ("Democratic presidential nominee", None)  # "described" is no part of it


def test_a_name_run_on_from_an_organisation_without_a_comma_is_split():
    text = (
        "Donald Tusk spoke in Ohio on Monday. "
        "In a meeting with the editorial board of the Harbor Post Tusk said that the alliance was obsolete."
    )
    article = enriched(text, [("Tusk", "said", "the alliance was obsolete")])
    assert names(article) == ["Donald Tusk"]


@pytest.mark.parametrize(
    ("source", "name", "role", "affiliation"),
    [
        ("former first lady Laura Bush", "Laura Bush", "former first lady", None),
        ("Latvian journalist Dainis Ivans", "Dainis Ivans", "Latvian journalist", None),
        ("Charlie King, a prominent New York Democrat,", "Charlie King", "prominent New York Democrat", None),
        ("Derek Mitchell, who served as U.S. ambassador to Burma until May,", "Derek Mitchell", "U.S. ambassador", None),
        ("the Rev. Al Sharpton", "Al Sharpton", "Rev.", None),
        ("former CIA Director David Petraeus", "David Petraeus", "former CIA Director", None),
        ("Senator Tim Scott, Republican of South Carolina,", "Tim Scott", "Senator", None),
        ("Bruce Hough, the Republican National Committeeman from Utah,", "Bruce Hough", None, None),
        ("Gary Hufbauer, a senior fellow at the Peter G. Peterson Institute for International Economics,", "Gary Hufbauer",
         "senior fellow", "Peter G. Peterson Institute for International Economics"),
    ],
)
def test_more_roles_from_titles_and_appositions(source, name, role, affiliation):
    text = f"The talks in the city went on for many hours on Monday. {source} said the plan had failed."
    speaker = enriched(text, [(source, "said", "the plan had failed")]).attributions[0].speaker
    assert (speaker.name, speaker.role, speaker.affiliation) == (name, role, affiliation)


def test_a_description_written_before_a_title_is_the_first_role():
    text = "Cole's running mate, Indiana Gov. Mike Pence, said the plan had failed."
    speaker = enriched(text, [("Cole's running mate, Indiana Gov. Mike Pence,", "said", "the plan had failed")]).attributions[0].speaker
    assert (speaker.name, speaker.role) == ("Mike Pence", "running mate")


def test_a_description_set_off_by_commas_inside_a_sentence_gives_the_role():
    text = "Mr. Cole summoned his senior climate adviser, Brian Deese, to the office. Mr. Deese said the plan had failed."
    speaker = enriched(text, [("Mr. Deese", "said", "the plan had failed")]).attributions[0].speaker
    assert (speaker.name, speaker.role) == ("Brian Deese", "senior climate adviser")


def test_a_description_owned_by_a_name_resolves_and_gives_the_role():
    text = (
        "David Axelrod called on Dean to apologize on Monday. "
        "“That was outrageous,” Cole's former campaign strategist said in an interview."
    )
    article = enriched(text, [("David Axelrod", "called on Dean", "to apologize"), ("Cole's former campaign strategist", "said", "“That was outrageous,”")])
    assert names(article) == ["David Axelrod", "David Axelrod"]
    assert article.attributions[0].speaker.role == "former campaign strategist"


def test_which_after_a_document_noun_is_a_document_that_reports():
    text = "Mr. Cole immersed himself in the scientific literature, which left little doubt that the planet was warming."
    attribution = enriched(text, [("which", "left little doubt", "that the planet was warming")]).attributions[0]
    assert (attribution.speaker.type, attribution.act) == ("document", "report")


def test_an_apposition_describes_the_name_before_it_not_the_main_person():
    text = (
        "Donald Trump spoke on Friday. Trump said the matter was closed. Trump left. "
        "“It is an insult,” added Rep. Jim Clyburn (D-S.C.), the assistant leader of the Democratic caucus. "
        "Trump said nothing more."
    )
    article = enriched(text, [("Trump", "said", "the matter was closed"), ("Trump", "said", "nothing more")])
    assert [a.speaker.role for a in article.attributions] == [None, None]


def test_a_lede_s_description_is_the_person_quoted_next_and_their_first_role():
    text = (
        "Former party chairman calls for a plan.\n\n"
        "A former party chairman says the leaders should find a successor.\n\n"
        "Don Fowler, who helmed the party from 1995 to 1997, said it was time. "
        "A senior official said the plan was unlikely."
    )
    article = enriched(text, [
        ("Former party chairman", "calls for", "a plan"),
        ("A former party chairman", "says", "the leaders should find a successor"),
        ("Don Fowler, who helmed the party from 1995 to 1997,", "said", "it was time"),
        ("A senior official", "said", "the plan was unlikely"),
    ])
    assert names(article) == ["Don Fowler"] * 3 + [None]
    assert [a.speaker.role for a in article.attributions[:3]] == ["Former party chairman"] * 3
    assert article.attributions[3].speaker.type == "anonymous"


@pytest.mark.parametrize("agency", ["United States Citizenship and Immigration Services", "Immigration and Customs Enforcement"])
def test_an_agency_name_with_and_is_one_organisation(agency):
    text = f"The program grew fast. {agency} said the rules were clear."
    speaker = enriched(text, [(agency, "said", "the rules were clear")]).attributions[0].speaker
    assert (speaker.name, speaker.type) == (agency, "organization")


def test_a_name_that_ends_two_longer_ones_stays_apart():
    text = (
        "The Democratic National Committee said cases were rising. The Republican National Committee said more would follow. "
        "The National Committee said nothing."
    )
    article = enriched(text, [
        ("The Democratic National Committee", "said", "cases were rising"),
        ("The Republican National Committee", "said", "more would follow"),
        ("The National Committee", "said", "nothing"),
    ])
    assert len({a.speaker.entity for a in article.attributions}) == 3


def test_a_day_after_on_does_not_join_an_organisation_s_name():
    text = "Outrage.\n\nThe United Nations Security Council on Friday condemned the nuclear test."
    article = enriched(text, [("The United Nations Security Council", "condemned", "the nuclear test")])
    assert article.attributions[0].speaker.name == "United Nations Security Council"
    assert article.attributions[0].speaker.type == "organization"


def test_a_first_name_gives_gender_to_a_pronoun_s_referent():
    text = (
        "Don Fowler, who helmed the party during Bill Clinton’s presidency, said a plan was needed. "
        "Fowler said the party would be mistaken to wait. The party's rules allow a replacement but give few guidelines. "
        "“It is something you would be a fool not to prepare for,” he said."
    )
    article = enriched(text, [
        ("Fowler", "said", "the party would be mistaken to wait"),
        ("The party's rules", "allow", "a replacement"),
        ("he", "said", "“It is something you would be a fool not to prepare for,”"),
    ])
    assert names(article)[2] == "Don Fowler"
