"""Albertslund demo data for the strategy.

Real, sourced content (the vision page in /work/shared/seed/albertslund-visioner.txt and
reference/denmark.md sections 1.1-1.5) has `is_example=False`; everything invented to make the
demo complete (most local goals, several initiatives, all progress figures of sub-initiatives)
has `is_example=True` and is labelled "Example" on the pages. English texts are our translation.
Idempotent: objects are found by slug and updated in place.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import F

from faelles.accounts.models import Organisation, OrganisationKind
from faelles.core.models import Municipality
from faelles.sdg.models import Dimension
from faelles.sdg.models import Goal as SdgGoal
from faelles.sdg.models import Target as SdgTarget
from faelles.strategy.models import (
    DatePrecision,
    Decision,
    DocumentKind,
    DocumentPoint,
    FocusSDG,
    Goal,
    Initiative,
    InitiativeStatus,
    Milestone,
    Pillar,
    StrategyDocument,
    Vision,
)
from faelles.strategy.services import initiative_update_progress

SOURCE = "https://albertslund.dk/politik/vision-politikker-og-planer/visioner"

VISION_DA = """I Albertslund har vi stærke rødder i fællesskabet og en stolt fortælling om et fælles DNA. Vores rødder får næring, så de vokser, udvikler og fornyr sig. Vi er frontløbere inden for den grønne dagsorden, ligesom Albertslund er en by, der skaber rammerne for det gode liv på tværs af generationer. En by hvor børn udfolder deres potentialer, og hvor ældre trives og lever det gode ældreliv med omsorg, tryghed og nærvær.

Vi skal videreudvikle en by i balance. En by der er bæredygtig – både socialt, økonomisk og miljømæssigt. Albertslund skal kendes og opleves som mulighedernes by.

Et stærkt, velfungerende erhvervsliv og gode rammer for byens virksomheder er afgørende grundpiller for udviklingen af det økonomiske grundlag for fremtidens Albertslund. Virksomheder og investorer skal have lyst til at etablere sig i et attraktivt og velfungerende Albertslund.

FN's verdensmål er her afsæt for at videreudvikle et Albertslund i balance, der kan give plads til endnu flere borgere og virksomheder. Derfor er verdensmålene en integreret del af vores vision."""  # noqa: E501

VISION_EN = """In Albertslund we have strong roots in community and a proud story of a shared DNA. Our roots are nourished so that they grow, develop and renew themselves. We are front-runners on the green agenda, and Albertslund is a city that creates the setting for a good life across generations. A city where children unfold their potential, and where older people thrive and live a good old age with care, safety and closeness.

We will develop further a city in balance. A city that is sustainable – socially, economically and environmentally. Albertslund shall be known and experienced as the city of opportunities.

A strong, well-functioning business community and good conditions for the city's companies are essential pillars for developing the economic foundation of the Albertslund of the future. Companies and investors should want to settle in an attractive and well-functioning Albertslund.

The UN Sustainable Development Goals are the starting point for developing an Albertslund in balance that can make room for even more citizens and companies. That is why the SDGs are an integrated part of our vision."""  # noqa: E501

PILLARS = [
    ("for-boernene", "For børnene", "For the children",
     "Familier trives, og alle børn har lige muligheder.",
     "Families thrive, and all children have equal opportunities.",
     "I Albertslund trives familier, og her skabes rammerne for det gode børneliv fyldt af glæde, oplevelser og tryghed. Vi har stærke børnefællesskaber i institutioner, skoler og foreninger, der støtter børnenes trivsel, læring og udvikling. I Albertslund har alle børn lige muligheder, uanset hvor eller hvad de kommer fra. Børn og unge i Albertslund udvider deres horisonter og får nye erkendelser.",  # noqa: E501
     "In Albertslund families thrive, and here we create the setting for a good childhood full of joy, experiences and safety. We have strong communities of children in day-care, schools and associations that support the children's well-being, learning and development. In Albertslund all children have equal opportunities, wherever and whatever they come from. Children and young people in Albertslund broaden their horizons and gain new insights."),  # noqa: E501
    ("det-groenne", "Det grønne", "The green",
     "En ambitiøs grøn by, hvor byen er vores laboratorium.",
     "An ambitious green city, where the city is our laboratory.",
     "Albertslund er en ambitiøs grøn bæredygtig by. Byen er vores laboratorium, og globale udfordringer tænkes ind i lokale løsninger. I Albertslund eksperimenterer kommune, borgere, erhvervsliv, virksomheder og vidensinstitutioner sammen om at udvikle nye grønne løsninger, der kommer os alle til gode. Vi værner om naturens kredsløb og biodiversitet. Naturen er indtænkt i albertslundernes liv, hvor vi mødes og fællesskaber blomstrer. Naturen indgår i læringen helt fra barndommen, og vores børn er vokset op med at tage ansvar for den. Naturen understøtter vores fysiske og mentale sundhed, og hver enkelt albertslunder tager ejerskab for at passe på den.",  # noqa: E501
     "Albertslund is an ambitious green, sustainable city. The city is our laboratory, and global challenges are built into local solutions. In Albertslund the municipality, citizens, businesses and knowledge institutions experiment together to develop new green solutions that benefit us all. We protect the cycles of nature and biodiversity. Nature is part of the lives of the people of Albertslund, where we meet and communities flourish. Nature is part of learning from early childhood, and our children have grown up taking responsibility for it. Nature supports our physical and mental health, and every single resident takes ownership of looking after it."),  # noqa: E501
    ("faellesskaber", "Fællesskaber", "Communities",
     "Åbne og inkluderende fællesskaber gør Albertslund til en by for alle.",
     "Open and inclusive communities make Albertslund a city for everyone.",
     "I Albertslund omfavner vi, at vi er mangfoldige. Vores åbne og inkluderende fællesskaber bidrager til, at Albertslund er en by for alle. Borgere, foreninger og erhvervsliv tager aktivt del i byens fællesskaber og bidrager til en fælles udvikling af Albertslund. Øget samvær på tværs af generationer udvider vores horisonter og giver erkendelser for både ældre, børn, unge og voksne. Kulturen er motor for fællesskabet. De mange forenings- og kulturtilbud i byen sikrer, at fællesskaber gror, og det tætte samarbejde med uddannelses- og kulturinstitutioner og erhvervsliv skaber nye indsigter og fælles værdi. Forskellige holdninger, forståelser og tilgange mødes, og vi får øje på flere nuancer, og bliver klogere sammen.",  # noqa: E501
     "In Albertslund we embrace our diversity. Our open and inclusive communities help make Albertslund a city for everyone. Citizens, associations and businesses take an active part in the city's communities and contribute to developing Albertslund together. More time together across generations broadens our horizons and brings insights to older people, children, young people and adults alike. Culture is the engine of community. The many associations and cultural offers in the city make communities grow, and close cooperation with educational and cultural institutions and businesses creates new insights and shared value. Different views, understandings and approaches meet, we see more nuances, and we grow wiser together."),  # noqa: E501
]

FOCUS = [
    (11, "livskvalitet, diversitet, robusthed, tilgængelighed",
     "quality of life, diversity, resilience, accessibility"),
    (17, "udvikling, samarbejde, sammenhæng", "development, cooperation, coherence"),
    (16, "demokrati, tryghed, åbenhed", "democracy, safety, openness"),
]

# slug, pillar, dimension, targets, is_example, title da/en, summary da/en
GOALS = [
    ("boern-trives", "for-boernene", Dimension.SOCIAL, ["4.2", "3.4"], True,
     "Alle børn trives i dagtilbud og skole", "All children thrive in day-care and school",
     "Flere børn trives, lærer og udvikler sig i stærke børnefællesskaber.",
     "More children thrive, learn and develop in strong communities of children."),
    ("unge-i-uddannelse-og-job", "for-boernene", Dimension.ECONOMIC, ["4.4", "8.6"], True,
     "Flere unge i uddannelse og job", "More young people in education and work",
     "Flere unge gennemfører en ungdomsuddannelse og får fodfæste på arbejdsmarkedet.",
     "More young people complete upper secondary education and find a foothold in work."),
    ("lige-muligheder", "for-boernene", Dimension.SOCIAL, ["10.2", "1.2"], True,
     "Lige muligheder for alle børn", "Equal opportunities for all children",
     "Alle børn har lige muligheder, uanset hvor eller hvad de kommer fra.",
     "All children have equal opportunities, wherever and whatever they come from."),
    ("boern-i-naturen", "for-boernene", Dimension.ENVIRONMENTAL, ["4.7", "15.5"], True,
     "Børn lærer i og om naturen", "Children learn in and about nature",
     "Naturen indgår i læringen helt fra barndommen.",
     "Nature is part of learning from early childhood."),
    ("co2-neutral-2050", "det-groenne", Dimension.ENVIRONMENTAL, ["13.2", "13.1", "7.2"], False,
     "CO2-neutral og klimatilpasset kommune i 2050",
     "A carbon-neutral, climate-adapted municipality by 2050",
     "Målet i Klimaplan 2050: at leve op til Parisaftalen.",
     "The goal of Klimaplan 2050: to meet the Paris Agreement."),
    ("fossilfri-energi", "det-groenne", Dimension.ENVIRONMENTAL, ["7.2", "7.3"], False,
     "Fossilfri el- og varmeforsyning", "Fossil-free electricity and heating",
     "Fossilfri el- og varmeforsyning og lavtemperatur-fjernvarme.",
     "Fossil-free electricity and heat supply, and low-temperature district heating."),
    ("biodiversitet", "det-groenne", Dimension.ENVIRONMENTAL, ["15.5", "11.7"], True,
     "Mere biodiversitet i Vestskoven og byens grønne områder",
     "More biodiversity in Vestskoven and the city's green spaces",
     "Vi værner om naturens kredsløb og biodiversitet.",
     "We protect the cycles of nature and biodiversity."),
    ("mindre-affald", "det-groenne", Dimension.ECONOMIC, ["12.5", "12.8"], True,
     "Mindre affald og mere genbrug", "Less waste and more reuse",
     "Cirkulær økonomi: mindre affald, mere genbrug og deling.",
     "Circular economy: less waste, more reuse and sharing."),
    ("groen-innovation", "det-groenne", Dimension.ECONOMIC, ["9.4", "8.4", "17.17"], True,
     "Grønne arbejdspladser og bæredygtig innovation", "Green jobs and sustainable innovation",
     "Byen er et laboratorium, hvor virksomheder udvikler grønne løsninger.",
     "The city is a laboratory where companies develop green solutions."),
    ("deltagelse-og-demokrati", "faellesskaber", Dimension.SOCIAL, ["16.7", "11.3"], True,
     "Flere deltager i byens fællesskaber og demokrati",
     "More people take part in the city's communities and democracy",
     "Borgere, foreninger og erhvervsliv tager aktivt del i fællesskaberne.",
     "Citizens, associations and businesses take an active part in the communities."),
    ("trygge-byrum", "faellesskaber", Dimension.SOCIAL, ["11.7", "16.1"], True,
     "Trygge byrum for alle", "Safe public spaces for everyone",
     "Byens rum er trygge og tilgængelige hele døgnet.",
     "The city's public spaces are safe and accessible around the clock."),
    ("partnerskaber", "faellesskaber", Dimension.ECONOMIC, ["17.17"], True,
     "Stærke partnerskaber med foreninger, virksomheder og institutioner",
     "Strong partnerships with associations, companies and institutions",
     "Tæt samarbejde skaber nye indsigter og fælles værdi.",
     "Close cooperation creates new insights and shared value."),
    ("godt-aeldreliv", "faellesskaber", Dimension.SOCIAL, ["3.4", "10.2"], True,
     "Et godt ældreliv med omsorg, tryghed og nærvær",
     "A good old age with care, safety and closeness",
     "Ældre trives og mødes på tværs af generationer.",
     "Older people thrive and meet across generations."),
    ("flere-borgere", "faellesskaber", Dimension.ECONOMIC, ["11.1", "11.3"], False,
     "Plads til op mod 10.000 nye borgere", "Room for up to 10,000 new residents",
     "Mere Albertslund: vækst, der gør kommunen økonomisk bæredygtig.",
     "Mere Albertslund: growth that makes the municipality economically sustainable."),
]

ORGANISATIONS = [
    ("we-do-democracy", "We Do Democracy", OrganisationKind.BUSINESS, False,
     "Stod for Borgersamlingen 2020 efter OECD's principper.", "https://www.wedodemocracy.dk/"),
    ("gate-21", "Gate 21", OrganisationKind.INSTITUTION, False,
     "Partnerskab for grøn omstilling med kontor i Bygning M, Liljens Kvarter.", ""),
    ("doll-living-lab", "DOLL Living Lab", OrganisationKind.INSTITUTION, False,
     "Living lab for belysning i Hersted Industripark.", ""),
    ("bo-vest", "BO-VEST", OrganisationKind.BUSINESS, False,
     "Administrerer almene boliger i Albertslund.", ""),
    ("lektiecafe-albertslund", "Lektiecaféen i Albertslund", OrganisationKind.ASSOCIATION, True,
     "Frivillige hjælper børn og unge med lektier.", ""),
    ("naturvenner-vestskoven", "Vestskovens Naturvenner", OrganisationKind.ASSOCIATION, True,
     "Frivillige, der plejer naturen i Vestskoven.", ""),
]

LABEL_DA = "Status, fremdrift og milepæle efter vedtagelsen er eksempler i demoen."
LABEL_EN = "Status, progress and milestones after the decision are examples in the demo."


def _upsert(model: type, municipality: Municipality, slug: str, **fields: Any) -> Any:
    obj = model.objects.filter(municipality=municipality, slug=slug).first()
    if obj is None:
        return model.objects.create(municipality=municipality, slug=slug, **fields)
    changed = [k for k, v in fields.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, fields[k])
    if changed:
        obj.save()
    return obj


def _targets(codes: list[str]) -> list[SdgTarget]:
    found = list(SdgTarget.objects.filter(code__in=codes))
    if len(found) != len(codes):
        raise RuntimeError(f"Unknown SDG target in {codes}; run `faelles load-sdg` first.")
    return found


def load(*, municipality: Municipality, users: dict[str, Any], stdout: Any) -> None:
    if not SdgGoal.objects.exists():
        from faelles.sdg.services import sdg_catalogue_load

        sdg_catalogue_load()
    vision = _upsert(
        Vision, municipality, "vision-2022-2030",
        title_da="Den bæredygtige by for børnene, det grønne og fællesskaber",
        title_en="The sustainable city for the children, the green and communities",
        text_da=VISION_DA, text_en=VISION_EN, period_start=2022, period_end=2030,
        source_url=SOURCE, is_example=False,
    )
    pillars = {}
    for order, (slug, t_da, t_en, s_da, s_en, x_da, x_en) in enumerate(PILLARS, 1):
        pillars[slug] = _upsert(
            Pillar, municipality, slug, vision=vision, order=order,
            title_da=t_da, title_en=t_en, summary_da=s_da, summary_en=s_en,
            text_da=x_da, text_en=x_en, is_example=False,
        )
    for order, (number, k_da, k_en) in enumerate(FOCUS, 1):
        FocusSDG.objects.update_or_create(
            vision=vision, sdg=SdgGoal.objects.get(number=number),
            defaults={"municipality": municipality, "keywords_da": k_da, "keywords_en": k_en,
                      "order": order},
        )

    # Decisions (all four are sourced: reference/denmark.md 1.2-1.5).
    d_mere = _upsert(
        Decision, municipality, "vedtagelse-mere-albertslund",
        title_da="Planstrategien Mere Albertslund vedtaget endeligt",
        title_en="The plan strategy Mere Albertslund finally adopted",
        body="Kommunalbestyrelsen", date=date(2020, 5, 12), date_precision=DatePrecision.DAY,
        reference="Kommunalbestyrelsens møde 12. maj 2020",
        text_da="Kommunalbestyrelsen vedtog endeligt planstrategien *Mere Albertslund – Verdensmål for en by i balance*. Den er både Lokal Agenda 21-strategi og kommuneplanstrategi.",  # noqa: E501
        text_en="The municipal council finally adopted the plan strategy *Mere Albertslund – SDGs for a city in balance*. It is both the Local Agenda 21 strategy and the municipal plan strategy.",  # noqa: E501
        is_example=False,
    )
    d_faelles = _upsert(
        Decision, municipality, "vedtagelse-faelles-om-albertslund",
        title_da="Politikken Fælles om Albertslund vedtaget",
        title_en="The policy Fælles om Albertslund adopted",
        body="Kommunalbestyrelsen", date=date(2019, 1, 1), date_precision=DatePrecision.YEAR,
        reference="",
        text_da="Politikken blev vedtaget i 2019 sammen med en beslutning om at oprette et medborgerskabsråd af tilfældigt udvalgte borgere. Handleplanen for 2019–2021 fulgte i juni 2019 og gjorde rådet til en borgersamling.",  # noqa: E501
        text_en="The policy was adopted in 2019 together with a decision to set up a citizenship council of randomly selected citizens. The action plan for 2019–2021 followed in June 2019 and turned the council into a citizens' assembly.",  # noqa: E501
        is_example=False,
    )
    d_klima = _upsert(
        Decision, municipality, "vedtagelse-klimaplan-2050",
        title_da="Klimaplan 2050 vedtaget", title_en="Klimaplan 2050 (climate plan) adopted",
        body="Kommunalbestyrelsen", date=date(2021, 6, 24), date_precision=DatePrecision.DAY,
        reference="Kommunalbestyrelsens møde 24. juni 2021",
        text_da="Klimaplanen er godkendt af C40 og Concito. Målet er at leve op til Parisaftalen: CO2-neutral og klimatilpasset i 2050.",  # noqa: E501
        text_en="The climate plan is approved by C40 and Concito. The goal is to meet the Paris Agreement: carbon-neutral and climate-adapted by 2050.",  # noqa: E501
        is_example=False,
    )
    d_borgersamling = _upsert(
        Decision, municipality, "opfoelgning-borgersamlingen",
        title_da="Ramme for opfølgning på Borgersamlingens anbefalinger",
        title_en="Framework for following up the citizens' assembly's recommendations",
        body="Kommunalbestyrelsen", date=date(2021, 6, 24), date_precision=DatePrecision.DAY,
        reference="Kommunalbestyrelsens møde 24. juni 2021",
        text_da="Visionen fra Borgersamlingen indgår i den næste kommuneplan, og tre konkrete forslag arbejdes der videre med: en årlig begivenhed, der binder byen sammen, bedre tryghedsbelysning og tryggere byrum, og et brugerdrevet værksted med offentlig adgang.",  # noqa: E501
        text_en="The vision of the citizens' assembly goes into the next municipal plan, and three concrete proposals are taken further: an annual event that binds the city together, better safety lighting and safer public spaces, and a user-driven workshop open to the public.",  # noqa: E501
        is_example=False,
    )

    # Documents.
    mere = _upsert(
        StrategyDocument, municipality, "mere-albertslund", kind=DocumentKind.PLAN_STRATEGY,
        order=1, vision=vision, adopted_by=d_mere, is_example=False,
        url="https://albertslund.dk/by-og-bolig/byudvikling/kommune-lokalplaner/mere-albertslund",
        title_da="Mere Albertslund – Verdensmål for en by i balance",
        title_en="Mere Albertslund – SDGs for a city in balance",
        summary_da="Planstrategi 2019. Både Lokal Agenda 21-strategi og kommuneplanstrategi, med FN's verdensmål som ramme.",  # noqa: E501
        summary_en="Plan strategy 2019. Both the Local Agenda 21 strategy and the municipal plan strategy, framed by the UN SDGs.",  # noqa: E501
        text_da="Befolkningstilvækst skal skabe et økonomisk bæredygtigt Albertslund, der har råd til velfærd, i social, økonomisk og miljømæssig balance. Målet er, at Albertslund over tid bliver økonomisk uafhængig af kommunal udligning, og at byen kan tiltrække op mod 10.000 nye borgere i løbet af de kommende 10 år. Strategien bygger på borgermøder i april 2019. Verdensmålene er omskrevet til tre lokale pejlemærker.",  # noqa: E501
        text_en="Population growth is to create an economically sustainable Albertslund that can afford welfare, in social, economic and environmental balance. The aim is that Albertslund over time becomes economically independent of municipal equalisation, and that the city can attract up to 10,000 new residents over the next 10 years. The strategy builds on citizens' meetings in April 2019. The SDGs have been rewritten as three local guiding goals.",  # noqa: E501
    )
    mere.pillars.set(pillars.values())
    points = [
        (mere, "Pejlemærker", "Guiding goals", [
            ("Aktiv by med rig natur", "Active city with rich nature"),
            ("Mangfoldig by med høj livskvalitet", "Diverse city with high quality of life"),
            ("Klimaby med bæredygtig innovation", "Climate city with sustainable innovation"),
        ]),
        (mere, "Strategiske prioriteringer", "Strategic priorities", [
            ("Hverdagsliv", "Everyday life"), ("Boliger", "Housing"),
            ("Natur i byen", "Nature in the city"), ("Forbindelser", "Connections"),
        ]),
    ]
    faelles = _upsert(
        StrategyDocument, municipality, "faelles-om-albertslund", kind=DocumentKind.POLICY,
        order=2, vision=vision, adopted_by=d_faelles, is_example=False,
        url="https://albertslund.dk/politik/politikker-og-strategier/visioner/faelles-om-albertslund/",
        title_da="Fælles om Albertslund",
        title_en="Fælles om Albertslund (Together on Albertslund)",
        summary_da="En politik om fællesskab, medborgerskab og ligeværdig deltagelse – for albertslundere og af albertslundere.",  # noqa: E501
        summary_en="A policy on community, citizenship and equal participation – for and by the people of Albertslund.",  # noqa: E501
        text_da="Politikken er udviklet i en inddragende proces. Byens borgere har været med hele vejen – fra fællesskabslaboratorie til før-høringer – og har løbende fået at vide, hvad deres bidrag og deltagelse har resulteret i. Politikken viser vejen for, hvordan kommunale medarbejdere, politikere og borgere kan være fælles om at udvikle byens fremtid.",  # noqa: E501
        text_en="The policy was developed in an inclusive process. Citizens took part all the way – from community lab to pre-hearings – and were told along the way what their contributions led to. The policy shows how municipal staff, politicians and citizens can develop the city's future together.",  # noqa: E501
    )
    faelles.pillars.set([pillars["faellesskaber"]])
    points.append((faelles, "Værdier", "Values", [
        ("Medborgerskab", "Citizenship"), ("Fællesskab", "Community"),
        ("Ligeværdig deltagelse", "Equal participation"),
    ]))
    klimaplan_doc = _upsert(
        StrategyDocument, municipality, "klimaplan-2050", kind=DocumentKind.PLAN, order=3,
        vision=vision, adopted_by=d_klima, is_example=False,
        url="https://albertslund.dk/politik/vision-politikker-og-planer/planer/klima-og-miljoe",
        title_da="Klimaplan 2050", title_en="Klimaplan 2050 (climate plan)",
        summary_da="CO2-neutral og klimatilpasset i 2050. Godkendt af C40 og Concito.",
        summary_en="Carbon-neutral and climate-adapted by 2050. Approved by C40 and Concito.",
        text_da="Temaer: klimatilpasning, natur, mobilitet, cirkulær økonomi, genanvendelse og ressourcer, energi, kommunens bygninger, kommunens bilpark og indkøb.",  # noqa: E501
        text_en="Themes: climate adaptation, nature, mobility, circular economy, recycling and resources, energy, municipal buildings, the municipal vehicle fleet and procurement.",  # noqa: E501
    )
    klimaplan_doc.pillars.set([pillars["det-groenne"]])
    for document, group_da, group_en, items in points:
        for order, (t_da, t_en) in enumerate(items, 1):
            DocumentPoint.objects.update_or_create(
                document=document, order=order, group_da=group_da,
                defaults={"municipality": municipality, "group_en": group_en,
                          "title_da": t_da, "title_en": t_en},
            )

    goals = {}
    for order, (slug, pillar, dim, codes, example, t_da, t_en, s_da, s_en) in enumerate(GOALS, 1):
        goal = _upsert(
            Goal, municipality, slug, pillar=pillars[pillar], dimension=dim, order=order,
            title_da=t_da, title_en=t_en, summary_da=s_da, summary_en=s_en,
            is_example=example,
        )
        goal.sdg_targets.set(_targets(codes))
        goals[slug] = goal

    orgs = {}
    for slug, name, kind, example, description, website in ORGANISATIONS:
        orgs[slug], _created = Organisation.objects.update_or_create(
            municipality=municipality, slug=slug,
            defaults={"name": name, "kind": kind, "is_example": example,
                      "description": description, "website": website},
        )

    _initiatives(municipality, goals, orgs, d_klima, d_borgersamling)
    stdout.write(
        f"Strategy: 1 vision, {len(pillars)} pillars, {len(goals)} goals, "
        f"{Initiative.objects.filter(municipality=municipality).count()} initiatives.\n"
    )


def _initiatives(
    municipality: Municipality, goals: dict[str, Goal], orgs: dict[str, Organisation],
    d_klima: Decision, d_borgersamling: Decision,
) -> None:
    def make(
        slug: str, *, goals_: list[str], partners: list[str] | tuple = (), **fields: Any
    ) -> Initiative:
        initiative = _upsert(Initiative, municipality, slug, **fields)
        initiative.goals.set([goals[g] for g in goals_])
        initiative.partners.set([orgs[p] for p in partners])
        return initiative

    def milestones(initiative: Initiative, items: list[tuple]) -> None:
        for due, done, t_da, t_en in items:
            Milestone.objects.update_or_create(
                initiative=initiative, title_da=t_da,
                defaults={"municipality": municipality, "title_en": t_en, "due_date": due,
                          "completed_on": done},
            )

    klima = make(
        "klimaplan-2050", goals_=["co2-neutral-2050", "fossilfri-energi"],
        partners=["gate-21"], is_example=False, status=InitiativeStatus.ONGOING,
        adopted_by=d_klima, start_date=date(2021, 6, 24), end_date=date(2050, 12, 31),
        department_da="Klima og miljø", department_en="Climate and environment",
        url="https://albertslund.dk/politik/vision-politikker-og-planer/planer/klima-og-miljoe",
        title_da="Klimaplan 2050", title_en="Klimaplan 2050 (climate plan)",
        summary_da="Albertslund skal være CO2-neutral og klimatilpasset i 2050.",
        summary_en="Albertslund is to be carbon-neutral and climate-adapted by 2050.",
        description_da="Klimaplanen lever op til Parisaftalen og er godkendt af C40 og Concito. Albertslund var en af de første 19 DK2020-kommuner. Fremdriften nedenfor kommer fra delindsatserne, som er eksempler.",  # noqa: E501
        description_en="The climate plan meets the Paris Agreement and is approved by C40 and Concito. Albertslund was one of the first 19 DK2020 municipalities. The progress below comes from the sub-initiatives, which are examples.",  # noqa: E501
    )
    milestones(klima, [
        (date(2020, 11, 10), date(2020, 11, 10), "Forslag godkendt af Kommunalbestyrelsen",
         "Draft approved by the municipal council"),
        (date(2021, 1, 13), date(2021, 1, 13), "Offentlig høring slut", "Public hearing ended"),
        (date(2021, 6, 24), date(2021, 6, 24), "Klimaplanen vedtaget", "Climate plan adopted"),
    ])
    subs = [
        ("klima-bygninger", 3, 40, "Energirenovering af kommunens bygninger",
         "Energy renovation of municipal buildings"),
        ("klima-bilpark", 2, 65, "Fossilfri kommunal bilpark", "Fossil-free municipal fleet"),
        ("klima-indkoeb", 1, 20, "Grønne indkøb", "Green procurement"),
    ]
    for slug, weight, progress, t_da, t_en in subs:
        make(
            slug, goals_=["co2-neutral-2050"], is_example=True, parent=klima, weight=weight,
            progress=progress, status=InitiativeStatus.ONGOING,
            start_date=date(2022, 1, 1), end_date=date(2030, 12, 31),
            department_da="Klima og miljø", department_en="Climate and environment",
            title_da=t_da, title_en=t_en,
        )
    make(
        "lavtemperatur-fjernvarme", goals_=["fossilfri-energi"], is_example=False,
        status=InitiativeStatus.ONGOING, progress=55,
        title_da="Lavtemperatur-fjernvarme", title_en="Low-temperature district heating",
        summary_da="Fossilfri fjernvarme og overgang til lavtemperatur-fjernvarme.",
        summary_en="Fossil-free district heating and a move to low-temperature district heating.",
        description_da=f"Målet om fossilfri el- og varmeforsyning blev sat i 2009 og bekræftet for fjernvarmen i 2015. {LABEL_DA}",  # noqa: E501
        description_en=f"The goal of fossil-free electricity and heat was set in 2009 and confirmed for district heating in 2015. {LABEL_EN}",  # noqa: E501
    )
    assembly = make(
        "borgersamlingen-2020", goals_=["deltagelse-og-demokrati", "flere-borgere"],
        partners=["we-do-democracy"], is_example=False, status=InitiativeStatus.COMPLETED,
        progress=100, start_date=date(2020, 8, 1), end_date=date(2021, 6, 24),
        title_da="Borgersamlingen 2020", title_en="The 2020 citizens' assembly",
        summary_da="36 lodtrukne borgere fra 16 år gav anbefalinger til fremtidens Albertslund.",
        summary_en="36 citizens drawn by lot, from age 16, made recommendations for the future Albertslund.",  # noqa: E501
        description_da="22.345 invitationer gik til alle borgere fra 16 år. 547 meldte sig, og 36 blev trukket ud, så de var repræsentative. De mødtes 6 gange fra august 2020. Albertslund var den første kommune, der inviterede helt ned til 16 år.",  # noqa: E501
        description_en="22,345 invitations went to all residents aged 16 and over. 547 volunteered, and 36 were drawn by lot to be representative. They met 6 times from August 2020. Albertslund was the first municipality to invite people from age 16.",  # noqa: E501
    )
    milestones(assembly, [
        (date(2020, 12, 14), date(2020, 12, 14), "Anbefalinger præsenteret",
         "Recommendations presented"),
        (date(2021, 2, 9), date(2021, 2, 9), "Kommunalbestyrelsen drøfter anbefalingerne",
         "The council discusses the recommendations"),
        (date(2021, 6, 24), date(2021, 6, 24), "Ramme for opfølgning godkendt",
         "Follow-up framework approved"),
    ])
    followups = [
        ("aarlig-bybegivenhed", ["deltagelse-og-demokrati", "partnerskaber"],
         InitiativeStatus.ONGOING, 50,
         "En årlig begivenhed, der binder byen sammen", "An annual event that binds the city together"),  # noqa: E501
        ("tryghedsbelysning", ["trygge-byrum"], InitiativeStatus.ONGOING, 35,
         "Bedre tryghedsbelysning og tryggere byrum", "Better safety lighting and safer public spaces"),  # noqa: E501
        ("brugerdrevet-vaerksted", ["deltagelse-og-demokrati", "mindre-affald"],
         InitiativeStatus.PLANNED, 10,
         "Brugerdrevet værksted med offentlig adgang", "User-driven workshop open to the public"),
    ]
    for slug, g, status, progress, t_da, t_en in followups:
        make(
            slug, goals_=g, is_example=False, status=status, progress=progress,
            adopted_by=d_borgersamling, start_date=date(2021, 6, 24),
            partners=["doll-living-lab"] if slug == "tryghedsbelysning" else [],
            title_da=t_da, title_en=t_en,
            summary_da="Et af tre forslag fra Borgersamlingen 2020, som Kommunalbestyrelsen arbejder videre med.",  # noqa: E501
            summary_en="One of three proposals from the 2020 citizens' assembly that the council is taking further.",  # noqa: E501
            description_da=LABEL_DA, description_en=LABEL_EN,
        )
    examples = [
        ("naturpleje-vestskoven", ["biodiversitet", "boern-i-naturen"], ["naturvenner-vestskoven"],
         InitiativeStatus.ONGOING, 45, "Naturpleje i Vestskoven med frivillige",
         "Nature care in Vestskoven with volunteers"),
        ("lektiecafe", ["lige-muligheder", "unge-i-uddannelse-og-job"], ["lektiecafe-albertslund"],
         InitiativeStatus.ONGOING, 70, "Lektiecafé og fritidsjob for unge",
         "Homework café and spare-time jobs for young people"),
        ("udeskole", ["boern-i-naturen", "boern-trives"], [], InitiativeStatus.ONGOING, 30,
         "Udeskole i dagtilbud og skoler", "Outdoor school in day-care and schools"),
        ("groent-erhvervsnetvaerk", ["groen-innovation", "partnerskaber"],
         ["gate-21", "doll-living-lab"], InitiativeStatus.ONGOING, 60,
         "Erhvervsnetværk for grøn omstilling", "Business network for the green transition"),
        ("generationer-moedes", ["godt-aeldreliv", "deltagelse-og-demokrati"], [],
         InitiativeStatus.PLANNED, 5, "Unge og ældre mødes", "Young and old meet"),
        ("velkommen-nye-borgere", ["flere-borgere"], ["bo-vest"], InitiativeStatus.ONGOING, 40,
         "Velkommen til nye albertslundere", "Welcome to new residents"),
    ]
    for slug, g, partners, status, progress, t_da, t_en in examples:
        make(
            slug, goals_=g, partners=partners, is_example=True, status=status, progress=progress,
            start_date=date(2023, 1, 1), end_date=date(2027, 12, 31),
            department_da="Kultur, Fritid og Borgerservice" if "nye" in slug else "",
            department_en="Culture, Leisure and Citizen Services" if "nye" in slug else "",
            title_da=t_da, title_en=t_en,
        )
    # Leaves first, so each parent's roll-up sees its children's totals.
    for initiative in Initiative.objects.filter(municipality=municipality).order_by(
        F("parent_id").desc(nulls_last=True)
    ):
        initiative_update_progress(initiative=initiative)
