"""Participation demo data for Albertslund.

Real (reference/denmark.md 1.3, 1.4): the *Fælles om Albertslund* process (community evening
23 May 2018 with 75 citizens at Kongsholmcentret; the pre-hearing of "Et nyt vi" with its three
questions, deadline 21 September 2018; the hearing until 23 January 2019 with 25 responses;
adoption in 2019) and the 2020 citizens' assembly. What is not known (exact start dates, the
wording of individual answers, meeting times) is filled in plausibly and marked is_example.

Invented (is_example=True): an open idea collection and an open hearing dated around now, so a
visitor can take part at once, with a few hundred contributions, comments and supports written
with bulk_create (fast). bulk_create bypasses the services that keep the counters and the stored
excerpt, so `load` ends by setting both from the rows (`recount`, `fill_excerpts`) for every demo
process, also on a later run.

Idempotent: a process whose slug exists is left alone (apart from counters and excerpts).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db.models import Count, F, Q
from django.utils import timezone

from faelles.accounts.models import User
from faelles.participation.models import (
    Comment,
    Contribution,
    ContributionKind,
    DraftVersion,
    Meeting,
    Neighbourhood,
    OfflineSource,
    Paragraph,
    Phase,
    Process,
    Question,
    Support,
)
from faelles.participation.phases import PhaseType

CPH = ZoneInfo("Europe/Copenhagen")


def _at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=CPH)


def _end_of(y: int, m: int, d: int) -> dt.datetime:
    return _at(y, m, d) + dt.timedelta(days=1)


FIRST_NAMES = [
    "Anne", "Mette", "Jens", "Lars", "Sofie", "Mohammed", "Fatma", "Peter", "Hanne", "Kim",
    "Ida", "Mads", "Camilla", "Ahmed", "Birgit", "Søren", "Line", "Jonas", "Aisha", "Henrik",
    "Karen", "Emil", "Yasmin", "Ole", "Louise", "Thomas", "Nadia", "Bo", "Signe", "Ali",
]
LAST_NAMES = [
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Yilmaz", "Petersen", "Madsen", "Khan", "Olsen", "Thomsen", "Poulsen",
]

PLACES = [
    ("Kanalgaden", Neighbourhood.SYD), ("Vestskoven", Neighbourhood.VESTSKOVEN),
    ("Hyldespjældet", Neighbourhood.HYLDESPJAELDET), ("Galgebakken", Neighbourhood.GALGEBAKKEN),
    ("Albertslund Centrum", Neighbourhood.CENTRUM), ("Badesøen", Neighbourhood.VESTSKOVEN),
    ("Herstedlund", Neighbourhood.HERSTEDLUND), ("Herstedvester", Neighbourhood.HERSTEDVESTER),
    ("Kongsholmcentret", Neighbourhood.SYD), ("Hersted Industripark",
                                               Neighbourhood.HERSTED_INDUSTRIPARK),
    ("Forbrændingen", Neighbourhood.CENTRUM), ("Vridsløselille", Neighbourhood.VRIDSLOESELILLE),
]

# (title, text, pillar slug); {place} is filled in. Written to read like real citizens' input.
IDEAS = [
    ("Flere bænke ved {place}",
     "Der er langt mellem steder at sætte sig ved {place}. Især ældre og gangbesværede har brug "
     "for en bænk hver 100 meter. Gerne bænke med ryglæn og armlæn.", "faellesskaber"),
    ("Bedre belysning på stierne ved {place}",
     "Om vinteren er stien ved {place} mørk allerede kl. 16. Mange går eller cykler der til og "
     "fra skole og arbejde. Mere lys ville gøre det mere trygt at færdes.", "faellesskaber"),
    ("Fælleshaver i {place}",
     "Vi kunne lave små fælleshaver ved {place}, hvor naboer dyrker grøntsager sammen. Det giver "
     "nye bekendtskaber og mere grønt. Kommunen kunne hjælpe med jord og vand.", "det-groenne"),
    ("Legeplads med naturmaterialer ved {place}",
     "Børnene mangler et sted at lege ved {place}. En legeplads af træ, sten og pil vil passe "
     "godt ind og kan bygges sammen med de lokale.", "for-boernene"),
    ("Repair café i {place}",
     "En gang om måneden kunne vi mødes ved {place} og reparere cykler, lamper og tøj sammen. "
     "Det sparer penge og affald, og man lærer hinanden at kende.", "det-groenne"),
    ("Sikker skolevej forbi {place}",
     "Mange børn cykler forbi {place} om morgenen. Krydset er uoverskueligt. Et hævet "
     "fodgængerfelt og bedre skilte ville hjælpe meget.", "for-boernene"),
    ("Blomstereng i stedet for græsplæne ved {place}",
     "Den store græsplæne ved {place} bliver slået hver uge. Lad en del af den gro vild som "
     "blomstereng. Det er godt for bier og sommerfugle og billigere at passe.", "det-groenne"),
    ("Fællesspisning for alle aldre i {place}",
     "Vi foreslår fællesspisning en gang om ugen i {place}, hvor unge og ældre laver mad "
     "sammen. Mange bor alene og savner nogen at spise med.", "faellesskaber"),
    ("Ungdomsklub med længere åbningstid nær {place}",
     "De unge ved {place} har ikke noget sted at være om aftenen. En klub, der har åbent til "
     "kl. 22 i weekenden, kunne give dem et trygt sted at mødes.", "for-boernene"),
    ("Delecykler og ladcykler ved {place}",
     "Ved {place} kunne der stå et par ladcykler, som man kan låne via en app. Så kan flere "
     "handle ind uden bil.", "det-groenne"),
    ("Udendørs træningsredskaber ved {place}",
     "Sæt nogle simple træningsredskaber op ved {place}. Så kan alle træne gratis i frisk "
     "luft, og det bliver et sted, hvor man mødes.", "faellesskaber"),
    ("Regnvandsbede langs vejen ved {place}",
     "Ved skybrud står vandet højt ved {place}. Regnvandsbede med planter kan tage vandet og "
     "gøre området grønnere på samme tid.", "det-groenne"),
    ("Lokal byttecentral i {place}",
     "En lille byttecentral i {place}, hvor man kan aflevere og hente ting gratis. Mange har "
     "gode ting stående, som andre kan bruge.", "det-groenne"),
    ("Kunst på gavlene i {place}",
     "De grå gavle i {place} kunne blive til vægmalerier lavet af lokale børn og kunstnere. "
     "Det giver farve og stolthed over kvarteret.", "faellesskaber"),
    ("Flere affaldsspande og sortering ved {place}",
     "Der ligger tit affald ved {place}, især efter weekenden. Flere spande med sortering til "
     "pant, plast og rest ville hjælpe.", "det-groenne"),
    ("Lektiecafé for skolebørn i {place}",
     "En lektiecafé i {place} med frivillige voksne to eftermiddage om ugen. Ikke alle børn "
     "kan få hjælp derhjemme.", "for-boernene"),
    ("Naturvejleder-ture i {place}",
     "Guidede ture med en naturvejleder ved {place}, så børn og voksne lærer om fugle, træer "
     "og svampe. Gerne også på engelsk og arabisk.", "det-groenne"),
    ("Fællesrum til foreninger i {place}",
     "Foreningerne i {place} mangler et lokale at mødes i. Et fælles rum, som kan bookes "
     "gratis, ville gøre det lettere at starte nye aktiviteter.", "faellesskaber"),
    ("Færre biler og mere plads til leg ved {place}",
     "Luk en del af vejen ved {place} for biler om søndagen. Så bliver der plads til leg, "
     "loppemarked og hygge.", "for-boernene"),
    ("Frugttræer i {place}",
     "Plant æble-, pære- og blommetræer i {place}, som alle må plukke fra. Det er smukt om "
     "foråret og giver frugt til fælles.", "det-groenne"),
]

COMMENTS = [
    "Godt forslag! Det har jeg også tænkt på.",
    "Enig. Især om vinteren er det et problem.",
    "Jeg vil gerne være med til at hjælpe, hvis det bliver til noget.",
    "Hvad vil det koste? Det er godt at vide, før man beslutter noget.",
    "Vi prøvede noget lignende i vores boligforening. Det gik rigtig godt.",
    "Jeg er ikke sikker. Hvem skal passe det bagefter?",
    "Super idé. Måske kan skolen også være med?",
    "Det vil gøre en stor forskel for os, der bor her.",
    "Husk at tænke på dem, der sidder i kørestol.",
    "Kan det kobles sammen med de andre idéer om det grønne?",
    "Ja tak! Mine børn ville elske det.",
    "Jeg synes, pengene skal bruges på noget andet først.",
    "Man kunne starte med et forsøg i et år og se, hvordan det går.",
    "Boligselskabet kunne måske være med til at betale.",
]
REPLIES = [
    "Godt spørgsmål. Det ved jeg ikke, men det kunne kommunen svare på.",
    "Jeg tror, frivillige kunne klare meget af det.",
    "Enig, det skal med fra starten.",
    "Det lyder som en god måde at begynde på.",
]

PREHEARING_ANSWERS = {
    0: [  # Hvad er du glad for?
        ("Naturen lige uden for døren", "Jeg er glad for, at Vestskoven og de grønne områder "
         "ligger så tæt på. Man kan gå fra sin dør og ud i skoven."),
        ("Foreningslivet", "Jeg er glad for alle de foreninger, der findes. Der er noget for "
         "alle, og man bliver taget godt imod."),
        ("At man hilser på hinanden", "I vores kvarter i Syd hilser man på hinanden ved "
         "Kanalgaden. Det er ikke noget, man tager for givet."),
    ],
    1: [  # Hvad tror du der kan flytte noget?
        ("Møder der hvor folk er", "Kommunen skal komme ud, hvor folk er: i centret, på "
         "biblioteket og til sommerfesten. Ikke kun holde møder på rådhuset."),
        ("Svar på det man siger", "Hvis man får at vide, hvad der sker med ens idé, så vil "
         "man gerne være med igen. Det er det vigtigste."),
        ("De unge skal med", "Spørg de unge direkte, for eksempel i skolen og i klubberne."),
    ],
    2: [  # Hvad savner du?
        ("Et sted at mødes på tværs", "Jeg savner et sted, hvor man møder folk fra andre "
         "kvarterer. Vi bor meget hver for sig."),
        ("Information på flere sprog", "Jeg savner information på flere sprog, så alle kan "
         "være med."),
        ("Tid til at blive hørt", "Jeg savner, at der er god tid til høringer. Tre uger er "
         "for kort, hvis man har småbørn."),
    ],
}

HEARING_RESPONSE_TOPICS = [
    ("Borgermøder i alle bydele", "Politikken bør sikre mindst et borgermøde om året i hver "
     "bydel, så det ikke altid er de samme, der kommer."),
    ("Digitale og fysiske muligheder", "Det er godt, at man kan deltage både digitalt og "
     "fysisk. Husk dem, der ikke bruger computer."),
    ("Foreningernes rolle", "Som forening vil vi gerne inddrages tidligere. Vi kender mange "
     "borgere, som sjældent siger noget selv."),
    ("Tilbagemelding til borgerne", "Skriv i politikken, at alle, der giver et input, får et "
     "svar inden for en fast frist."),
    ("Børn og unge", "Børn og unge skal have deres egen plads i politikken, for eksempel et "
     "børne- og ungeråd."),
]

ASSEMBLY_RECOMMENDATIONS = [
    ("En årlig begivenhed, der binder byen sammen",
     "Borgersamlingen anbefaler en årlig begivenhed, der samler hele Albertslund på tværs af "
     "bydele, alder og baggrund."),
    ("Bedre tryghedsbelysning og tryggere offentlige rum",
     "Borgersamlingen anbefaler bedre belysning og tryggere offentlige rum, så flere har lyst "
     "til at færdes ude, også om aftenen."),
    ("Et brugerdrevet værksted med offentlig adgang",
     "Borgersamlingen anbefaler et værksted, som brugerne selv driver, og som alle har adgang "
     "til."),
]


def load(*, municipality: Any, users: dict[str, Any], stdout: Any) -> None:
    rng = random.Random(165)  # noqa: S311 - demo data, not security
    citizens = _citizens(municipality, users)
    pillars = _pillars(municipality)
    targets = _targets()
    created = 0
    created += _faelles_om_albertslund(municipality, users, rng, pillars, targets)
    created += _borgersamling(municipality, users, pillars, targets)
    created += _idea_collection(municipality, users, citizens, rng, pillars, targets)
    created += _open_hearing(municipality, users, citizens, rng, pillars, targets)
    processes = list(Process.objects.filter(municipality=municipality, slug__in=DEMO_SLUGS))
    fill_excerpts(Contribution.objects.filter(process__in=processes, excerpt=""))
    recount(processes)
    stdout.write(f"Participation: {created} processes created.\n")


DEMO_SLUGS = ("faelles-om-albertslund", "borgersamling-2020",
              "ideer-til-et-groennere-albertslund", "hoering-stiplan-vestskoven")


def fill_excerpts(contributions: Any) -> int:
    """The stored plain-text excerpt the lists show, for rows written without the services."""
    from faelles.participation.selectors import excerpt

    rows = list(contributions.only("id", "text", "redacted_text"))
    for c in rows:
        c.excerpt = excerpt(c.public_text)
    Contribution.objects.bulk_update(rows, ["excerpt"], batch_size=500)
    return len(rows)


def recount(processes: list[Process]) -> None:
    """Set the maintained counters from the rows, as the services keep them: a contribution
    counts all its comments and supports (confirmed ones separately); a process counts its
    visible contributions, every comment on them and on its draft paragraphs, and all supports.
    """
    ids = [p.pk for p in processes]
    comments = dict(
        Comment.objects.filter(contribution__process_id__in=ids).order_by()
        .values_list("contribution_id").annotate(n=Count("id"))
    )
    supports = {
        cid: (n, confirmed) for cid, n, confirmed in
        Support.objects.filter(contribution__process_id__in=ids).order_by()
        .values_list("contribution_id").annotate(n=Count("id"),
                                                 confirmed=Count("id", filter=Q(counts=True)))
    }
    rows = list(Contribution.objects.filter(process_id__in=ids).only(
        "id", "process_id", "is_hidden", "withdrawn_at", "comment_count", "support_count",
        "confirmed_support_count"))
    changed = []
    for c in rows:
        values = (comments.get(c.pk, 0), *supports.get(c.pk, (0, 0)))
        if values != (c.comment_count, c.support_count, c.confirmed_support_count):
            c.comment_count, c.support_count, c.confirmed_support_count = values
            changed.append(c)
    Contribution.objects.bulk_update(
        changed, ["comment_count", "support_count", "confirmed_support_count"], batch_size=500)
    paragraph_comments = dict(
        Comment.objects.filter(paragraph__version__process_id__in=ids).order_by()
        .values_list("paragraph__version__process_id").annotate(n=Count("id"))
    )
    for pid in ids:
        mine = [c for c in rows if c.process_id == pid]
        Process.objects.filter(pk=pid).update(
            contribution_count=sum(1 for c in mine if not c.is_hidden and c.withdrawn_at is None),
            comment_count=sum(c.comment_count for c in mine) + paragraph_comments.get(pid, 0),
            support_count=sum(c.support_count for c in mine),
        )


def _citizens(municipality: Any, users: dict[str, Any]) -> list[User]:
    emails = [f"borger{i:02d}@eksempel.albertslund.example" for i in range(1, 61)]
    existing = {u.email: u for u in User.objects.filter(email__in=emails)}
    unusable = make_password(None)
    now = timezone.now()
    new = []
    for i, email in enumerate(emails):
        if email in existing:
            continue
        name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i * 7) % len(LAST_NAMES)]}"
        # Every tenth account has not confirmed its e-mail: its supports do not count.
        new.append(User(email=email, name=name, password=unusable,
                        email_confirmed_at=None if i % 10 == 9 else now))
    User.objects.bulk_create(new)
    people = list(User.objects.filter(email__in=emails).order_by("email"))
    citizen = users.get("citizen")
    return ([citizen] if citizen else []) + people


def _pillars(municipality: Any) -> dict[str, Any]:
    from faelles.strategy.models import Pillar

    return {p.slug: p for p in Pillar.objects.filter(municipality=municipality)}


def _targets() -> dict[str, Any]:
    from faelles.sdg.models import Target

    codes = ["11.3", "11.7", "16.7", "17.17", "13.1", "15.1", "4.7", "10.2"]
    return {t.code: t for t in Target.objects.filter(code__in=codes)}


def _process(municipality: Any, slug: str, pillars: dict[str, Any], targets: dict[str, Any],
             pillar_slugs: list[str], target_codes: list[str], **fields: Any) -> Process | None:
    if Process.objects.filter(municipality=municipality, slug=slug).exists():
        return None
    process = Process.objects.create(municipality=municipality, slug=slug, is_published=True,
                                     **fields)
    process.pillars.set([pillars[s] for s in pillar_slugs if s in pillars])
    process.sdg_targets.set([targets[c] for c in target_codes if c in targets])
    return process


def _phase(process: Process, order: int, type_: str, title_da: str, title_en: str,
           start: dt.datetime, end: dt.datetime, text_da: str = "", text_en: str = "") -> Phase:
    return Phase.objects.create(
        municipality_id=process.municipality_id, process=process, order=order, type=type_,
        title_da=title_da, title_en=title_en, text_da=text_da, text_en=text_en,
        start=start, end=end,
    )


def _faelles_om_albertslund(municipality: Any, users: dict[str, Any], rng: random.Random,
                            pillars: dict[str, Any], targets: dict[str, Any]) -> int:
    process = _process(
        municipality, "faelles-om-albertslund", pillars, targets,
        ["faellesskaber"], ["16.7", "17.17", "11.3"],
        title_da="Fælles om Albertslund",
        title_en="Fælles om Albertslund (Together on Albertslund)",
        summary_da="Politikken for fællesskab, medborgerskab og ligeværdig deltagelse – lavet "
                   "af albertslundere for albertslundere.",
        summary_en="The policy for community, citizenship and equal participation – made by "
                   "and for the people of Albertslund.",
        text_da="Borgerne var med hele vejen – fra fællesskabslaboratorie til før-høringer – og "
                "fik løbende at vide, hvad deres bidrag førte til. Politikken blev skrevet i "
                "Temaudvalget, hvor både borgere og kommunalbestyrelsesmedlemmer sad.\n\n"
                "Kilde: [albertslund.dk](https://albertslund.dk/politik/politikker-og-strategier/"
                "visioner/faelles-om-albertslund/)",
        text_en="Citizens took part all the way, from the community lab to the pre-hearings, "
                "and were told what their input led to. The policy was drafted in the Temaudvalg, "
                "a committee of both citizens and council members.",
        answer_deadline_days=30, created_at=_at(2018, 5, 1),
    )
    if process is None:
        return 0
    pm = users.get("process_manager")
    lab = _phase(process, 1, PhaseType.COMMUNITY_LAB, "Fællesskabslaboratorie",
                 "Community lab", _at(2018, 5, 1), _end_of(2018, 6, 30),
                 "\"En fandenivoldsk aften\" på Kongsholmcentret 23. maj 2018, hvor 75 borgere "
                 "satte retningen.",
                 "\"A daring evening\" at Kongsholmcentret on 23 May 2018, where 75 citizens set "
                 "the direction.")
    pre = _phase(process, 2, PhaseType.PRE_HEARING, "Før-høring af \"Et nyt vi\"",
                 "Pre-hearing of \"Et nyt vi\" (A new us)", _at(2018, 8, 27), _end_of(2018, 9, 21),
                 "Et helt nyt initiativ: udkast 1 blev sendt i før-høring med tre spørgsmål. Svar "
                 "kunne sendes på e-mail til temaudvalg@albertslund.dk eller på kommunens "
                 "Facebook-side. Frist 21. september 2018. (Startdatoen er et eksempel.)",
                 "A new initiative: draft 1 was put to a pre-hearing with three questions. "
                 "Deadline 21 September 2018. (The start date is an example.)")
    hearing = _phase(process, 3, PhaseType.HEARING, "Høring", "Hearing",
                     _at(2018, 11, 28), _end_of(2019, 1, 23),
                     "Spørgsmålet var: \"Hvad synes du der skal til, for at vi som by kan blive "
                     "endnu bedre til at samarbejde om byens udvikling og om byens "
                     "fællesskaber?\" Høringen gav 25 høringssvar, som betød ændringer i "
                     "politikken og input til en kommende handleplan. (Startdatoen er et "
                     "eksempel.)",
                     "The question: what does it take for us as a city to work together even "
                     "better? The hearing received 25 responses. (The start date is an "
                     "example.)")
    _phase(process, 4, PhaseType.DECISION, "Vedtagelse", "Adoption",
           _at(2019, 2, 1), _end_of(2019, 6, 1),
           "Politikken blev vedtaget i 2019 sammen med en beslutning om at oprette et "
           "Medborgerskabsråd af tilfældigt udvalgte borgere.",
           "The policy was adopted in 2019, together with a decision to create a citizens' "
           "council of randomly selected residents.")
    _phase(process, 5, PhaseType.FOLLOW_UP, "Handleplan 2019–2021", "Action plan 2019–2021",
           _end_of(2019, 6, 1), _end_of(2021, 12, 31),
           "En handleplan for 2019–2021 fulgte i juni 2019. Den gjorde Medborgerskabsrådet til "
           "en Borgersamling.",
           "An action plan for 2019–2021 followed in June 2019. It turned the council into a "
           "citizens' assembly.")
    evening = Meeting.objects.create(
        municipality=municipality, process=process,
        title_da="En fandenivoldsk aften", title_en="A daring evening",
        description_da="75 borgere satte retningen for politikken på Kongsholmcentret. "
                       "Klokkeslættet er et eksempel.",
        description_en="75 citizens set the direction for the policy at Kongsholmcentret. The "
                       "time of day is an example.",
        start=_at(2018, 5, 23, 17, 0), end=_at(2018, 5, 23, 21, 0),
        place="Kongsholmcentret, Albertslund", attendee_count=75,
    )
    questions = [
        Question.objects.create(municipality=municipality, phase=pre, order=i,
                                text_da=q_da, text_en=q_en)
        for i, (q_da, q_en) in enumerate([
            ("Hvad er du glad for?", "What are you happy about?"),
            ("Hvad tror du der kan flytte noget?", "What do you think could make a difference?"),
            ("Hvad savner du?", "What do you miss?"),
        ])
    ]
    rows: list[Contribution] = []
    base = dict(municipality=municipality, process=process, registered_by=pm, is_example=True,
                publish_name=False)
    for i, (title, text) in enumerate([
        ("Byen skal mødes på tværs", "Ved bordene blev der talt om at mødes på tværs af "
         "bydele og generationer."),
        ("Inddragelse fra starten", "Borgerne skal med, før beslutningerne er taget."),
    ]):
        rows.append(Contribution(**base, phase=lab, meeting=evening,
                                 kind=ContributionKind.WORKSHOP_NOTE,
                                 offline_source=OfflineSource.WORKSHOP, title=title, text=text,
                                 created_at=_at(2018, 5, 23, 21, i)))
    for qi, answers in PREHEARING_ANSWERS.items():
        for j, (title, text) in enumerate(answers):
            rows.append(Contribution(
                **base, phase=pre, question=questions[qi], kind=ContributionKind.PREHEARING_ANSWER,
                offline_source=OfflineSource.EMAIL if j % 2 == 0 else OfflineSource.SOCIAL,
                title=title, text=text, created_at=_at(2018, 9, 3 + qi * 5 + j, 10),
            ))
    # The hearing received 25 responses (real); their wording is not public, so these are
    # examples with the real count.
    for k in range(25):
        title, text = HEARING_RESPONSE_TOPICS[k % len(HEARING_RESPONSE_TOPICS)]
        rows.append(Contribution(
            **base, phase=hearing, kind=ContributionKind.HEARING_RESPONSE,
            offline_source=OfflineSource.EMAIL if k % 4 else OfflineSource.LETTER,
            title=title, text=text,
            created_at=_at(2018, 12, 3, 9) + dt.timedelta(days=k * 2, hours=rng.randint(0, 8)),
        ))
    Contribution.objects.bulk_create(rows)
    Process.objects.filter(pk=process.pk).update(contribution_count=len(rows))
    return 1


def _borgersamling(municipality: Any, users: dict[str, Any], pillars: dict[str, Any],
                   targets: dict[str, Any]) -> int:
    process = _process(
        municipality, "borgersamling-2020", pillars, targets, ["faellesskaber"],
        ["16.7", "11.3"],
        title_da="Borgersamlingen 2020", title_en="The 2020 citizens' assembly",
        summary_da="36 borgere trukket ved lodtrækning gav råd om fremtidens Albertslund.",
        summary_en="36 residents drawn by lot advised on the future of Albertslund.",
        text_da="Kommunalbestyrelsen spurgte: \"Albertslund står foran en udvikling af byen som "
                "skaber mulighed for op mod 10.000 nye borgere over de næste 10 år. Vi ønsker "
                "borgersamlingens hjælp til at forestille os, hvordan et fremtidigt Albertslund "
                "skal se ud – hvad skal der til for at bevare og skabe nye stærke "
                "fællesskaber?\"\n\n22.345 invitationer gik til alle borgere fra 16 år. 547 "
                "meldte sig, og 36 blev trukket ved lod. De mødtes 6 gange fra august 2020. "
                "We Do Democracy stod for forløbet efter OECD's principper.",
        text_en="22,345 invitations went to all residents aged 16+. 547 volunteered and 36 were "
                "drawn by lot. They met 6 times from August 2020, run by We Do Democracy.",
        created_at=_at(2020, 6, 1),
    )
    if process is None:
        return 0
    lab = _phase(process, 1, PhaseType.COMMUNITY_LAB, "Borgersamlingens møder",
                 "The assembly's meetings", _at(2020, 8, 1), _end_of(2020, 12, 14),
                 "Seks møder fra august 2020. Anbefalingerne blev præsenteret 14. december 2020 "
                 "på Zoom.", "Six meetings from August 2020; recommendations presented on "
                 "14 December 2020 on Zoom.")
    _phase(process, 2, PhaseType.DECISION, "Kommunalbestyrelsen behandler anbefalingerne",
           "The council considers the recommendations", _at(2021, 2, 9), _end_of(2021, 6, 24),
           "Kommunalbestyrelsen drøftede anbefalingerne første gang 9. februar 2021 og godkendte "
           "24. juni 2021 en ramme for opfølgningen.",
           "The council first discussed the recommendations on 9 February 2021 and approved a "
           "follow-up framework on 24 June 2021.")
    _phase(process, 3, PhaseType.FOLLOW_UP, "Opfølgning", "Follow-up", _end_of(2021, 6, 24),
           _end_of(2023, 12, 31),
           "Visionen indgår i den næste kommuneplan, og tre konkrete forslag arbejdes videre "
           "med.", "The vision goes into the next municipal plan; three proposals go further.")
    # Five meeting dates are not public (examples); the presentation on 14 Dec 2020 is real.
    for n, day in enumerate([(2020, 8, 29), (2020, 9, 19), (2020, 10, 10), (2020, 10, 31),
                             (2020, 11, 21)], 1):
        Meeting.objects.create(
            municipality=municipality, process=process,
            title_da=f"Borgersamlingens møde {n}", title_en=f"Assembly meeting {n}",
            start=_at(*day, 10), end=_at(*day, 15), place="Albertslund Rådhus",
            attendee_count=36, is_example=True,
        )
    final = Meeting.objects.create(
        municipality=municipality, process=process,
        title_da="Præsentation af anbefalingerne", title_en="Presentation of the recommendations",
        start=_at(2020, 12, 14, 19), end=_at(2020, 12, 14, 21), place="",
        online_url="https://borgersamling.albertslund.dk/", attendee_count=36,
        description_da="Anbefalingerne blev præsenteret på Zoom. (Klokkeslættet er et eksempel.)",
        description_en="The recommendations were presented on Zoom. (The time is an example.)",
    )
    rows = [
        Contribution(
            municipality=municipality, process=process, phase=lab, meeting=final,
            kind=ContributionKind.PROPOSAL, offline_source=OfflineSource.WORKSHOP,
            offline_author_name="Borgersamlingen", publish_name=True,
            registered_by=users.get("process_manager"), title=title, text=text,
            created_at=_at(2020, 12, 14, 20, i),
        )
        for i, (title, text) in enumerate(ASSEMBLY_RECOMMENDATIONS)
    ]
    Contribution.objects.bulk_create(rows)
    Process.objects.filter(pk=process.pk).update(contribution_count=len(rows))
    return 1


def _idea_collection(municipality: Any, users: dict[str, Any], citizens: list[User],
                     rng: random.Random, pillars: dict[str, Any], targets: dict[str, Any]) -> int:
    now = timezone.now()
    process = _process(
        municipality, "ideer-til-et-groennere-albertslund", pillars, targets,
        ["det-groenne", "faellesskaber", "for-boernene"], ["11.7", "13.1", "15.1", "11.3"],
        title_da="Idéer til et grønnere og mere fælles Albertslund",
        title_en="Ideas for a greener Albertslund with more community",
        summary_da="Del din idé til byens grønne områder, fællesskaber og børnenes by. Støt og "
                   "kommentér de andres.",
        summary_en="Share your idea for green spaces, communities and a city for children. "
                   "Support and comment on the ideas of others.",
        text_da="Kommunen samler idéer til næste budget. Alle idéer får et svar inden for 30 "
                "dage. Idéer med mindst 50 støtter fra bekræftede konti tages op i udvalget.",
        text_en="The municipality collects ideas for the next budget. Every idea gets an answer "
                "within 30 days.",
        is_example=True, support_threshold=50, supports_per_user=10, answer_deadline_days=30,
        created_at=now - dt.timedelta(days=30),
    )
    if process is None:
        return 0
    idea_phase = _phase(process, 1, PhaseType.IDEA_COLLECTION, "Idéindsamling",
                        "Idea collection", now - dt.timedelta(days=26),
                        now + dt.timedelta(days=35),
                        "Skriv din idé, støt de idéer du kan lide, og kommentér.",
                        "Write your idea, support the ones you like, and comment.")
    lab = _phase(process, 2, PhaseType.COMMUNITY_LAB, "Værksted om idéerne",
                 "Workshop on the ideas", now - dt.timedelta(days=2), now + dt.timedelta(days=40),
                 "Kom og arbejd videre med idéerne sammen med naboer og medarbejdere.",
                 "Come and develop the ideas with neighbours and staff.")
    _phase(process, 3, PhaseType.DECISION, "Udvalget beslutter", "The committee decides",
           now + dt.timedelta(days=40), now + dt.timedelta(days=70))
    workshop_day = timezone.localtime(now + dt.timedelta(days=11)).replace(
        hour=17, minute=0, second=0, microsecond=0)
    Meeting.objects.create(
        municipality=municipality, process=process,
        title_da="Idéværksted på Forbrændingen", title_en="Idea workshop at Forbrændingen",
        description_da="Vi samler idéerne i grupper og finder dem, der skal arbejdes videre "
                       "med. Der er suppe og kaffe.",
        description_en="We group the ideas and pick those to develop further. Soup and coffee.",
        start=workshop_day, end=workshop_day + dt.timedelta(hours=3),
        place="Forbrændingen, Albertslund", capacity=40, is_example=True,
    )
    del lab
    pillar_objs = pillars
    combos = [(i, p) for i in range(len(IDEAS)) for p in range(len(PLACES))]
    rng.shuffle(combos)
    combos = combos[:240]
    span = (now - idea_phase.start).total_seconds()
    rows = []
    for n, (i, p) in enumerate(combos):
        title, text, _pillar = IDEAS[i]
        place, area = PLACES[p]
        author = citizens[(n * 7 + 3) % len(citizens)]
        rows.append(Contribution(
            municipality=municipality, process=process, phase=idea_phase,
            kind=ContributionKind.PROPOSAL if n % 6 == 0 else ContributionKind.IDEA,
            author=author, title=title.format(place=place), text=text.format(place=place),
            neighbourhood=area, is_example=True, publish_name=n % 5 != 0,
            created_at=idea_phase.start + dt.timedelta(seconds=span * (n + 1) / (len(combos) + 2)),
        ))
    Contribution.objects.bulk_create(rows)
    rows = list(Contribution.objects.filter(process=process).order_by("id"))
    # Tags: pillar of the idea type, plus an SDG target.
    through_p = Contribution.pillars.through
    through_t = Contribution.sdg_targets.through
    pillar_links, target_links = [], []
    target_for = {"det-groenne": "11.7", "faellesskaber": "16.7", "for-boernene": "4.7"}
    for c, (i, _p) in zip(rows, combos, strict=True):
        slug = IDEAS[i][2]
        if slug in pillar_objs:
            pillar_links.append(through_p(contribution_id=c.pk, pillar_id=pillar_objs[slug].pk))
        if target_for[slug] in targets:
            target_links.append(through_t(contribution_id=c.pk,
                                          target_id=targets[target_for[slug]].pk))
    through_p.objects.bulk_create(pillar_links)
    through_t.objects.bulk_create(target_links)
    # bulk_create sends no m2m_changed: set the stored SDG goal masks the list filters on.
    from faelles.participation.services import refresh_sdg_goals

    refresh_sdg_goals(contribution_ids=[link.contribution_id for link in target_links])
    _discussion(process, rows, citizens, rng, support_scale=1.0)
    return 1


def _discussion(process: Process, rows: list[Contribution], citizens: list[User],
                rng: random.Random, support_scale: float) -> None:
    """Comments (some threaded) and supports, with counters set to match the rows."""
    comments: list[Comment] = []
    supports: list[Support] = []
    for c in rows:
        n_comments = rng.choice([0, 0, 0, 1, 1, 2, 3, 5])
        for k in range(n_comments):
            comments.append(Comment(
                municipality_id=process.municipality_id, contribution=c,
                author=rng.choice(citizens), text=rng.choice(COMMENTS), is_example=True,
                created_at=c.created_at + dt.timedelta(hours=3 + k * 5),
            ))
        n_supports = min(int(rng.paretovariate(1.3) * 2 * support_scale) - 1, len(citizens) - 1)
        voters = rng.sample([u for u in citizens if u.pk != c.author_id], max(n_supports, 0))
        for u in voters:
            supports.append(Support(contribution=c, user=u, counts=u.email_confirmed,
                                    created_at=c.created_at + dt.timedelta(hours=1)))
    Comment.objects.bulk_create(comments)
    # A reply under every third first comment, so threads show.
    firsts: dict[int, Comment] = {}
    for cm in Comment.objects.filter(contribution__process=process).order_by("id"):
        firsts.setdefault(cm.contribution_id, cm)
    replies = [
        Comment(municipality_id=process.municipality_id, contribution_id=cm.contribution_id,
                parent=cm, author=rng.choice(citizens), text=rng.choice(REPLIES),
                is_example=True, created_at=cm.created_at + dt.timedelta(hours=2))
        for n, cm in enumerate(firsts.values()) if n % 3 == 0
    ]
    Comment.objects.bulk_create(replies)
    Support.objects.bulk_create(supports, ignore_conflicts=True)
    comment_counts: dict[int, int] = {}
    for cm in [*comments, *replies]:
        comment_counts[cm.contribution_id] = comment_counts.get(cm.contribution_id, 0) + 1
    support_counts: dict[int, tuple[int, int]] = {}
    for s in supports:
        total, confirmed = support_counts.get(s.contribution_id, (0, 0))
        support_counts[s.contribution_id] = (total + 1, confirmed + (1 if s.counts else 0))
    for c in rows:
        c.comment_count = comment_counts.get(c.pk, 0)
        c.support_count, c.confirmed_support_count = support_counts.get(c.pk, (0, 0))
    Contribution.objects.bulk_update(
        rows, ["comment_count", "support_count", "confirmed_support_count"], batch_size=500
    )
    Process.objects.filter(pk=process.pk).update(
        contribution_count=len(rows), comment_count=len(comments) + len(replies),
        support_count=len(supports),
    )


def _open_hearing(municipality: Any, users: dict[str, Any], citizens: list[User],
                  rng: random.Random, pillars: dict[str, Any], targets: dict[str, Any]) -> int:
    now = timezone.now()
    process = _process(
        municipality, "hoering-stiplan-vestskoven", pillars, targets,
        ["det-groenne"], ["11.7", "15.1"],
        title_da="Høring: Plan for stier og lys i Vestskoven",
        title_en="Hearing: Plan for paths and lighting in Vestskoven",
        summary_da="Kommunen foreslår nye stier, bedre skilte og tryghedsbelysning ved "
                   "indgangene til Vestskoven. Sig din mening inden fristen.",
        summary_en="The municipality proposes new paths, better signs and safety lighting at the "
                   "entrances to Vestskoven. Have your say before the deadline.",
        text_da="Forslaget er i høring i 8 uger. Når du sender et høringssvar, giver du samtidig "
                "samtykke til, at dit navn bliver vist i den endelige høringsliste. Har du "
                "hemmelig adresse, så skriv det i dit svar.\n\nDu kan også sende dit svar med "
                "posten til Albertslund Kommune, Nordmarks Allé 1, 2620 Albertslund.",
        text_en="The proposal is in hearing for 8 weeks. When you send a response, you agree "
                "that your name is shown in the final list of responses.",
        is_example=True, answer_deadline_days=45, created_at=now - dt.timedelta(days=12),
    )
    if process is None:
        return 0
    hearing = _phase(process, 1, PhaseType.HEARING, "Høring", "Hearing",
                     now - dt.timedelta(days=11), now + dt.timedelta(days=45),
                     "Send dit høringssvar, eller kommentér de svar, der er kommet.",
                     "Send your response, or comment on the responses received.")
    _phase(process, 2, PhaseType.DECISION, "Kommunalbestyrelsen beslutter",
           "The council decides", now + dt.timedelta(days=45), now + dt.timedelta(days=90))
    meeting_day = timezone.localtime(now + dt.timedelta(days=9)).replace(
        hour=16, minute=30, second=0, microsecond=0)
    Meeting.objects.create(
        municipality=municipality, process=process,
        title_da="Åbent hus ved Badesøen", title_en="Open house at Badesøen",
        description_da="Gå en tur med kommunens planlæggere og se, hvor de nye stier skal gå.",
        description_en="Walk with the municipality's planners and see where the new paths go.",
        start=meeting_day, end=meeting_day + dt.timedelta(hours=2),
        place="P-pladsen ved Badesøen, Vestskoven", capacity=25, is_example=True,
    )
    draft = DraftVersion.objects.create(
        municipality=municipality, process=process, number=1,
        title_da="Forslag til plan for stier og lys i Vestskoven",
        title_en="Proposed plan for paths and lighting in Vestskoven",
        published_at=hearing.start, is_example=True,
    )
    paragraphs = [
        Paragraph(municipality=municipality, version=draft, order=n, key=key,
                  heading_da=h_da, heading_en=h_en, text_da=t_da, text_en=t_en)
        for n, (key, h_da, h_en, t_da, t_en) in enumerate(DRAFT_PARAGRAPHS)
    ]
    Paragraph.objects.bulk_create(paragraphs)
    paragraphs = list(Paragraph.objects.filter(version=draft).order_by("order"))
    para_comments = []
    for n, (pi, text) in enumerate(PARAGRAPH_COMMENTS):
        para_comments.append(Comment(
            municipality=municipality, paragraph=paragraphs[pi], author=citizens[(n * 5 + 2)
                                                                                % len(citizens)],
            text=text, is_example=True, created_at=hearing.start + dt.timedelta(days=n + 1),
        ))
    Comment.objects.bulk_create(para_comments)
    for p in paragraphs:
        p.comment_count = sum(1 for c in para_comments if c.paragraph_id == p.pk)
    Paragraph.objects.bulk_update(paragraphs, ["comment_count"])
    texts = [
        ("Lys ved indgangen fra Hyldespjældet", "Jeg støtter lys ved indgangen fra "
         "Hyldespjældet. Men lyset skal være dæmpet, så flagermus og fugle ikke forstyrres."),
        ("Bevar de små trampestier", "Planen må ikke fjerne de små trampestier. Det er dem, "
         "børnene bruger, når de leger i skoven."),
        ("Skilte på flere sprog", "Skiltene bør være på dansk og engelsk, og gerne med tegninger, "
         "så alle kan forstå dem."),
        ("Grus i stedet for asfalt", "Brug grus på de nye stier. Asfalt passer ikke ind i "
         "skoven og gør det varmere om sommeren."),
        ("Plads til kørestole og barnevogne", "Stierne fra Galgebakken skal være brede og faste "
         "nok til kørestole og barnevogne."),
        ("Svar fra grundejerforening", "Vi er glade for planen, men beder om, at parkeringen "
         "ved Badesøen ikke udvides."),
    ]
    rows = []
    for n, (title, text) in enumerate(texts):
        rows.append(Contribution(
            municipality=municipality, process=process, phase=hearing,
            kind=ContributionKind.HEARING_RESPONSE, author=citizens[(n * 11 + 5) % len(citizens)],
            title=title, text=text, neighbourhood=Neighbourhood.VESTSKOVEN, is_example=True,
            created_at=hearing.start + dt.timedelta(days=n + 1, hours=n),
        ))
    rows.append(Contribution(
        municipality=municipality, process=process, phase=hearing,
        kind=ContributionKind.HEARING_RESPONSE, offline_source=OfflineSource.LETTER,
        registered_by=users.get("process_manager"), publish_name=False,
        title="Brev om hundeskov", text="Jeg foreslår en indhegnet hundeskov ved den nye sti, så "
        "hunde kan løbe frit uden at genere andre.", neighbourhood=Neighbourhood.VESTSKOVEN,
        is_example=True, created_at=hearing.start + dt.timedelta(days=8),
    ))
    rows[0].paragraph = paragraphs[2]
    rows[1].paragraph = paragraphs[1]
    rows[4].paragraph = paragraphs[1]
    # Consent given, but a protected address: the name is still never shown.
    rows[2].protected_address = True
    Contribution.objects.bulk_create(rows)
    rows = list(Contribution.objects.filter(process=process).order_by("id"))
    _discussion(process, rows, citizens, rng, support_scale=0.0)
    Process.objects.filter(pk=process.pk).update(
        comment_count=F("comment_count") + len(para_comments)
    )
    return 1


DRAFT_PARAGRAPHS = [
    ("1", "Formål", "Purpose",
     "Planen skal gøre det lettere og mere trygt at komme ind i Vestskoven fra byen, til fods, "
     "på cykel og i kørestol. Samtidig skal skovens natur og ro bevares.",
     "The plan makes it easier and safer to enter Vestskoven from the city, while keeping the "
     "forest's nature and quiet."),
    ("2", "Nye stier", "New paths",
     "Der anlægges 3 km nye stier fra Galgebakken, Hyldespjældet og Herstedvester. Stierne bliver "
     "2,5 meter brede med en fast belægning af stenmel.",
     "3 km of new paths from Galgebakken, Hyldespjældet and Herstedvester, 2.5 metres wide with "
     "a firm gravel surface."),
    ("3", "Tryghedsbelysning ved indgangene", "Safety lighting at the entrances",
     "Ved de seks vigtigste indgange opsættes lav, dæmpet belysning, der tænder ved bevægelse. "
     "Inde i skoven opsættes ikke lys af hensyn til dyrelivet.",
     "Low, dimmed, motion-activated lighting at the six main entrances; no lighting inside the "
     "forest, out of regard for wildlife."),
    ("4", "Skilte og kort", "Signs and maps",
     "Nye skilte med kort ved alle indgange. Skiltene får piktogrammer, så de kan forstås uden "
     "at læse dansk.",
     "New signs with maps at all entrances, with pictograms that can be understood without "
     "reading Danish."),
    ("5", "Økonomi og tidsplan", "Budget and timetable",
     "Anlægget koster 4,2 mio. kr. og udføres i 2027–2028 i samarbejde med Naturstyrelsen.",
     "The work costs DKK 4.2 million and is carried out in 2027–2028 with the Danish Nature "
     "Agency."),
]

PARAGRAPH_COMMENTS = [
    (1, "Stenmel er godt. Asfalt ville ødelægge stemningen i skoven."),
    (2, "Hvor mange lux bliver lyset? Flagermusene ved Badesøen er sårbare."),
    (2, "Jeg går tur med hund om aftenen og er glad for lyset ved indgangene."),
    (3, "Gerne også skilte i punktskrift ved de store indgange."),
    (1, "Husk en sti fra Albertslund Syd, ikke kun fra nord."),
]
