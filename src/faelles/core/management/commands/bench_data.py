"""Fill a separate database with Decide-Madrid-sized data for the benchmarks (issue 9).

    FAELLES_VAR_DIR=var/bench .venv/bin/faelles migrate
    FAELLES_VAR_DIR=var/bench .venv/bin/faelles demo
    FAELLES_VAR_DIR=var/bench .venv/bin/faelles bench-data --preset madrid

or on PostgreSQL with DATABASE_URL=postgres://postgres@127.0.0.1:5432/faelles_bench.

The demo loader provides the municipality, vision, pillars and goals; this command adds the
volume: users, processes with dated phases, questions and meetings, contributions spread over
processes, phases, pillars, SDG targets and areas, threaded comments, supports, feedback states,
and indicators with observations. Every maintained counter (support_count,
confirmed_support_count, comment_count, contribution_count) is set to the exact value the
services would have produced.

Speed: small tables go through the ORM; the big ones (users, contributions, comments, supports,
many-to-many rows) are written with explicit ids by `RowWriter`: executemany on SQLite (foreign
key checks off during the load, checked afterwards), COPY on PostgreSQL. Columns come from the
current models, and a new required column without a default stops the command with a clear
message, so the command keeps up with model changes.

Safety: it refuses a database whose name or path does not contain "bench", and one that holds
accounts other than the demo's and its own, unless --force, so it cannot be pointed at the shared
development database or a real installation by mistake.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone, translation

BENCH_DOMAIN = "bench.faelles.invalid"
# The citizen whose "Mine bidrag" page is measured (issue 9: 500 contributions).
CITIZEN_500 = f"citizen500@{BENCH_DOMAIN}"
CITIZEN_500_CONTRIBUTIONS = 500
# One contribution has exactly this many comments: the "contribution with 200 comments" page.
THREAD_200 = 200
# The process that holds the long list (page 1,000 of 20 needs 20,000+ contributions).
MAIN_SHARE = 0.72

PRESETS: dict[str, dict[str, int]] = {
    "small": {"users": 2_000, "contributions": 1_000, "comments": 5_000, "supports": 20_000},
    "medium": {"users": 50_000, "contributions": 10_000, "comments": 80_000, "supports": 500_000},
    "madrid": {
        "users": 500_000,
        "contributions": 30_000,
        "comments": 250_000,
        "supports": 1_700_000,
    },
}

FIRST = [
    "Anna",
    "Mette",
    "Lars",
    "Jens",
    "Sofie",
    "Mikkel",
    "Fatima",
    "Ali",
    "Emma",
    "Noah",
    "Ida",
    "Oscar",
    "Freja",
    "Karl",
    "Aisha",
    "Mohammed",
    "Line",
    "Peter",
    "Hanne",
    "Søren",
    "Birgitte",
    "Rasmus",
    "Camilla",
    "Yusuf",
    "Maja",
    "Lukas",
    "Nanna",
    "Ole",
    "Ingrid",
    "Henrik",
    "Zainab",
    "Emil",
    "Laura",
    "Kasper",
    "Signe",
    "Malthe",
    "Ella",
    "William",
    "Karen",
    "Bo",
]
LAST = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Ahmed",
    "Hussein",
    "Yilmaz",
    "Khan",
    "Berg",
    "Lund",
    "Holm",
    "Dahl",
    "Bak",
    "Krogh",
    "Friis",
]
WORDS = [
    "cykelsti",
    "byrum",
    "legeplads",
    "grønne",
    "arealer",
    "træer",
    "bænke",
    "lys",
    "tryghed",
    "fællesskab",
    "naboer",
    "skole",
    "børnehave",
    "ældre",
    "unge",
    "bus",
    "station",
    "parkering",
    "affald",
    "sortering",
    "genbrug",
    "energi",
    "solceller",
    "regnvand",
    "skybrud",
    "biodiversitet",
    "vilde",
    "blomster",
    "bier",
    "sø",
    "park",
    "Vestskoven",
    "idrætshal",
    "forening",
    "kultur",
    "bibliotek",
    "musik",
    "marked",
    "café",
    "torv",
    "stier",
    "fortov",
    "vej",
    "fartbump",
    "belysning",
    "hærværk",
    "hundeskov",
    "frugttræer",
    "køkkenhave",
    "delebil",
    "ladestander",
    "varme",
    "fjernvarme",
    "isolering",
    "boliger",
    "rækkehuse",
    "Galgebakken",
    "Hyldespjældet",
    "Kanalgaden",
    "centrum",
    "Herstedvester",
    "mødested",
    "aktiviteter",
    "sommer",
    "vinter",
    "weekend",
    "aften",
    "morgen",
    "borgere",
    "kommunen",
    "politikerne",
    "forslag",
    "idé",
    "ønske",
    "behov",
    "problem",
    "løsning",
    "mulighed",
    "plads",
    "sted",
    "område",
    "kvarter",
    "by",
    "hverdag",
    "sundhed",
    "bevægelse",
    "løb",
    "gåture",
    "hunde",
    "katte",
    "fugle",
    "frøer",
    "vand",
    "klima",
    "CO2",
    "støj",
    "luft",
]
GLUE = [
    "og",
    "men",
    "også",
    "fordi",
    "så",
    "når",
    "hvor",
    "som",
    "til",
    "for",
    "med",
    "på",
    "i",
    "ved",
    "fra",
    "mere",
    "mindre",
    "flere",
]
TITLE_OPENERS = (
    "Flere",
    "Bedre",
    "Nye",
    "Mere",
    "Tryggere",
    "Grønnere",
    "Plads til",
    "Lad os få",
    "Ønske om",
    "Forslag:",
    "Hvad med",
    "Bevar",
)


class RowWriter:
    """Writes rows of one model fast, filling unspecified columns from the model's defaults."""

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        self.model = model
        self.table = model._meta.db_table
        given = list(names)
        fields = [model._meta.get_field(n) for n in given]
        defaults: list[Any] = []
        for field in model._meta.concrete_fields:
            if field.attname in given or field.name in given:
                continue
            if field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            elif field.blank and field.empty_strings_allowed:
                value = ""
            else:
                raise CommandError(
                    f"{model._meta.label}.{field.name} is required and has no default: "
                    "add it to faelles bench-data (core/management/commands/bench_data.py)."
                )
            fields.append(field)
            defaults.append(field.get_db_prep_save(value, connection))
        self.fields = fields
        self.defaults = tuple(defaults)
        self.columns = [f.column for f in fields]
        self.n_given = len(given)
        # Only values that need adapting go through Django's conversion.
        self.convert = [
            i
            for i, f in enumerate(fields[: self.n_given])
            if isinstance(
                f, (models.DateTimeField, models.DateField, models.JSONField, models.DecimalField)
            )
        ]
        self.count = 0

    def _prepared(self, rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
        convert = [(i, self.fields[i]) for i in self.convert]
        defaults = self.defaults
        for row in rows:
            if convert:
                row = list(row)
                for i, field in convert:
                    if row[i] is not None:
                        row[i] = field.get_db_prep_save(row[i], connection)
            yield tuple(row) + defaults

    def write(self, rows: Iterable[Sequence[Any]], batch: int = 20_000) -> int:
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        table = connection.ops.quote_name(self.table)
        written = 0
        if connection.vendor == "postgresql":
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
            ):
                for row in self._prepared(rows):
                    copy.write_row(row)
                    written += 1
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            # Table and columns come from the models, never from input.
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608
            chunk: list[tuple[Any, ...]] = []
            with connection.cursor() as cursor:
                for row in self._prepared(rows):
                    chunk.append(row)
                    if len(chunk) >= batch:
                        cursor.executemany(sql, chunk)
                        written += len(chunk)
                        chunk = []
                if chunk:
                    cursor.executemany(sql, chunk)
                    written += len(chunk)
        self.count += written
        return written


def next_id(model: type[models.Model]) -> int:
    top = model._default_manager.aggregate(m=models.Max("pk"))["m"]
    return (top or 0) + 1


def skewed_counts(
    rng: random.Random, n: int, total: int, *, alpha: float = 1.15, cap: int | None = None
) -> list[int]:
    """Split `total` over `n` items with a heavy tail (a few popular contributions, many quiet
    ones), each at most `cap`. Exact sum unless the caps make it impossible."""
    if n == 0:
        return []
    weights = [rng.paretovariate(alpha) for _ in range(n)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    if cap is not None:
        counts = [min(c, cap) for c in counts]
    missing = total - sum(counts)
    guard = 0
    while missing > 0 and guard < 50:
        guard += 1
        for i in rng.sample(range(n), min(n, missing)):
            if cap is None or counts[i] < cap:
                counts[i] += 1
                missing -= 1
    return counts


class Text:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self, low: int = 6, high: int = 16) -> str:
        rng = self.rng
        words = []
        for i in range(rng.randint(low, high)):
            words.append(rng.choice(GLUE) if i % 3 == 2 else rng.choice(WORDS))
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def title(self) -> str:
        rng = self.rng
        return f"{rng.choice(TITLE_OPENERS)} {' '.join(rng.choices(WORDS, k=rng.randint(2, 6)))}"

    def paragraphs(self, low: int, high: int) -> str:
        rng = self.rng
        paragraphs = []
        for _ in range(rng.randint(low, high)):
            paragraphs.append(" ".join(self.sentence() for _ in range(rng.randint(2, 5))))
        return "\n\n".join(paragraphs)


class Command(BaseCommand):
    help = "Fill a separate benchmark database with realistic data at Decide-Madrid scale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--preset", choices=sorted(PRESETS), default=None)
        parser.add_argument("--users", type=int)
        parser.add_argument("--contributions", type=int)
        parser.add_argument("--comments", type=int)
        parser.add_argument("--supports", type=int)
        parser.add_argument("--processes", type=int, default=12)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even if the database holds data that is not bench data.",
        )
        parser.add_argument("--skip-feedback", action="store_true")
        parser.add_argument("--skip-indicators", action="store_true")

    # -- entry -----------------------------------------------------------------------------

    def handle(self, *args: Any, **opts: Any) -> None:
        sizes = dict(PRESETS[opts["preset"] or "small"])
        for key in sizes:
            if opts.get(key) is not None:
                sizes[key] = opts[key]
        self.sizes = sizes
        self.rng = random.Random(opts["seed"])  # noqa: S311 - reproducible fake data
        self.text = Text(self.rng)
        self.now = timezone.now().replace(microsecond=0)
        translation.activate("da")
        self._check_database(force=opts["force"])
        self.started = time.monotonic()
        self.say(f"Database: {connection.vendor} {connection.settings_dict['NAME']}; sizes {sizes}")
        if sizes["users"] < 2:
            raise CommandError("Need at least 2 users.")

        from faelles.core.models import Municipality

        self.municipality = (
            Municipality.objects.filter(is_default=True).first()
            or Municipality.objects.order_by("pk").first()
        )
        if self.municipality is None:
            raise CommandError("No municipality: run `faelles demo` first.")

        sqlite = connection.vendor == "sqlite"
        if sqlite:
            with connection.cursor() as c:
                # Ids are generated here and consistent; the check runs after the load.
                c.execute("PRAGMA foreign_keys=OFF")
                c.execute("PRAGMA synchronous=OFF")
                c.execute("PRAGMA cache_size=-524288")  # 512 MB while loading
        try:
            with transaction.atomic():
                self.load_users()
                self.load_processes(opts["processes"])
                self.load_contributions()
                self.load_comments()
                self.load_supports()
                self.write_contributions_m2m()
                self.update_process_counters()
                if not opts["skip_feedback"]:
                    self.load_feedback()
                if not opts["skip_indicators"]:
                    self.load_indicators()
                if sqlite:
                    with connection.cursor() as c:
                        c.execute("PRAGMA foreign_key_check")
                        bad = c.fetchmany(5)
                    if bad:
                        raise CommandError(f"Foreign key check failed: {bad}")
        finally:
            if sqlite:
                with connection.cursor() as c:
                    c.execute("PRAGMA foreign_keys=ON")
                    c.execute("PRAGMA synchronous=NORMAL")
        self.reset_sequences()
        self.analyze()
        self.say(self.style.SUCCESS(f"Done in {time.monotonic() - self.started:.0f} s."))

    def say(self, message: str) -> None:
        elapsed = time.monotonic() - getattr(self, "started", time.monotonic())
        self.stdout.write(f"[{elapsed:6.1f} s] {message}")
        self.stdout.flush()

    def _check_database(self, *, force: bool) -> None:
        from faelles.accounts.models import User
        from faelles.core.management.commands.demo import DEMO_USERS

        name = str(connection.settings_dict["NAME"])
        if "bench" not in name and not force:
            raise CommandError(
                f"The database {name!r} is not a bench database: its name or path must contain "
                "'bench' (FAELLES_VAR_DIR=var/bench, or DATABASE_URL=postgres://.../faelles_bench),"
                " or pass --force."
            )
        # Demo accounts use the reserved .example domain (RFC 2606); bench accounts use .invalid.
        foreign = (
            User.objects.exclude(email__in=[email for email, _n, _r in DEMO_USERS])
            .exclude(email__iendswith=".example")
            .exclude(email__endswith=f"@{BENCH_DOMAIN}")
            .count()
        )
        if foreign and not force:
            raise CommandError(
                f"This database has {foreign} accounts that are neither demo nor bench accounts: "
                "it looks like real data. Use a separate database (FAELLES_VAR_DIR=var/bench or "
                "DATABASE_URL=postgres://.../faelles_bench), or pass --force."
            )
        if User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").exists():
            raise CommandError(
                "This database already holds bench data. Start from an empty database "
                "(delete var/bench/faelles.sqlite3 or drop and re-create the PostgreSQL database), "
                "then run migrate, demo and bench-data."
            )

    # -- users -----------------------------------------------------------------------------

    def load_users(self) -> None:
        from faelles.accounts.models import User

        n = self.sizes["users"]
        first = next_id(User)
        self.user_ids = (first, first + n)  # half-open id range
        self.citizen500 = first
        rng = self.rng
        start = self.now - dt.timedelta(days=6 * 365)
        span = int((self.now - start).total_seconds())
        writer = RowWriter(
            User,
            [
                "id",
                "email",
                "name",
                "password",
                "language",
                "email_confirmed_at",
                "is_active",
                "is_staff",
                "is_superuser",
                "date_joined",
            ],
        )

        def rows() -> Iterator[tuple[Any, ...]]:
            for i in range(n):
                uid = first + i
                joined = start + dt.timedelta(seconds=rng.randrange(span))
                email = CITIZEN_500 if i == 0 else f"u{uid}@{BENCH_DOMAIN}"
                # "!" marks an unusable password: bench accounts cannot log in with one.
                yield (
                    uid,
                    email,
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "!bench",
                    "en" if rng.random() < 0.05 else "da",
                    joined if self.confirmed(uid) else None,
                    True,
                    False,
                    False,
                    joined,
                )

        writer.write(rows())
        self.say(f"users: {writer.count}")

    def confirmed(self, uid: int) -> bool:
        # Deterministic, so supports can say whether they count without a lookup.
        return uid % 10 != 3

    def random_user(self) -> int:
        lo, hi = self.user_ids
        return self.rng.randrange(lo, hi)

    # -- processes -------------------------------------------------------------------------

    def load_processes(self, count: int) -> None:
        from faelles.participation.models import Meeting, Phase, Process, Question
        from faelles.participation.phases import PhaseType
        from faelles.sdg.models import Target
        from faelles.strategy.models import Goal, Pillar

        m = self.municipality
        rng = self.rng
        self.pillars = list(Pillar.objects.filter(municipality=m).values_list("pk", flat=True))
        self.goals = list(Goal.objects.filter(municipality=m).values_list("pk", flat=True))
        targets = list(Target.objects.values_list("pk", "goal__number"))
        if not targets:
            raise CommandError("No SDG targets: run `faelles migrate` (the catalogue loads there).")
        focus = [pk for pk, goal in targets if goal in (11, 16, 17, 13, 7)]
        self.targets = [pk for pk, _goal in targets]
        self.focus_targets = focus or self.targets
        now = self.now
        day = dt.timedelta(days=1)
        self.processes: list[dict[str, Any]] = []
        names = [
            "Albertslund 2040: din idé til byen",
            "Klimaplan 2030",
            "Fremtidens Vestskoven",
            "Trygge byrum i Syd",
            "Børne- og ungepolitik",
            "Ældrepolitik: det gode ældreliv",
            "Lokalplan for Kanalgaden",
            "Affald og genbrug",
            "Cykelstier og trafiksikkerhed",
            "Kultur- og fritidspolitik",
            "Biodiversitetsplan",
            "Budget 2027: borgerforslag",
        ]
        for i in range(count):
            title = names[i % len(names)] + ("" if i < len(names) else f" ({i // len(names) + 1})")
            if i == 0:
                # The long list: a year-long idea collection, still running.
                spans = [
                    (PhaseType.IDEA_COLLECTION, now - 330 * day, now + 35 * day),
                    (PhaseType.COMMUNITY_LAB, now + 35 * day, now + 80 * day),
                    (PhaseType.DECISION, now + 80 * day, now + 120 * day),
                ]
            elif i % 4 == 1:
                s = now - rng.randint(40, 100) * day
                spans = [
                    (PhaseType.PRE_HEARING, s, s + 30 * day),
                    (PhaseType.HEARING, s + 35 * day, now + rng.randint(5, 30) * day),
                    (PhaseType.DECISION, now + 40 * day, now + 60 * day),
                ]
            elif i % 4 == 2:
                s = now - rng.randint(400, 900) * day
                spans = [
                    (PhaseType.IDEA_COLLECTION, s, s + 60 * day),
                    (PhaseType.DECISION, s + 70 * day, s + 100 * day),
                    (PhaseType.FOLLOW_UP, s + 100 * day, s + 400 * day),
                ]
            else:
                s = now - rng.randint(20, 200) * day
                spans = [
                    (PhaseType.IDEA_COLLECTION, s, now + rng.randint(10, 60) * day),
                    (PhaseType.DECISION, now + 70 * day, now + 100 * day),
                ]
            process = Process.objects.create(
                municipality=m,
                slug=f"bench-{i + 1:02d}",
                title_da=title,
                title_en=f"{title} (benchmark)",
                summary_da=self.text.sentence(8, 20),
                text_da=self.text.paragraphs(2, 4),
                is_published=True,
                is_example=True,
                support_threshold=500 if i % 3 == 0 else None,
                created_at=spans[0][1] - 7 * day,
                updated_at=spans[0][1] - 7 * day,
            )
            if self.pillars:
                process.pillars.set(rng.sample(self.pillars, min(len(self.pillars), 2)))
            if self.goals:
                process.goals.set(rng.sample(self.goals, min(len(self.goals), 3)))
            process.sdg_targets.set(rng.sample(self.focus_targets, min(len(self.focus_targets), 6)))
            phases = []
            for order, (kind, start, end) in enumerate(spans):
                phase = Phase.objects.create(
                    municipality=m,
                    process=process,
                    type=kind,
                    order=order,
                    title_da=str(PhaseType(kind).label).capitalize(),
                    title_en=str(PhaseType(kind).label).capitalize(),
                    text_da=self.text.sentence(),
                    start=start,
                    end=end,
                )
                questions = []
                if kind == PhaseType.PRE_HEARING:
                    for q in range(3):
                        questions.append(
                            Question.objects.create(
                                municipality=m,
                                phase=phase,
                                order=q,
                                text_da=[
                                    "Hvad savner du?",
                                    "Hvad skal vi bevare?",
                                    "Hvad bekymrer dig?",
                                ][q],
                            ).pk
                        )
                phases.append(
                    {
                        "pk": phase.pk,
                        "type": kind,
                        "start": start,
                        "end": end,
                        "questions": questions,
                    }
                )
            meetings = []
            for k in range(2):
                start = spans[0][1] + (k + 1) * 9 * day + dt.timedelta(hours=17)
                meeting = Meeting.objects.create(
                    municipality=m,
                    process=process,
                    title_da=f"Borgermøde {k + 1}",
                    start=start,
                    end=start + dt.timedelta(hours=2),
                    place="Albertslund Rådhus, Nordmarks Allé 1",
                    capacity=80,
                    is_example=True,
                )
                meetings.append(meeting.pk)
            self.processes.append(
                {
                    "pk": process.pk,
                    "phases": phases,
                    "meetings": meetings,
                    "pillars": list(process.pillars.values_list("pk", flat=True)),
                    "targets": list(process.sdg_targets.values_list("pk", flat=True)),
                }
            )
        self.say(f"processes: {count} with phases, questions and meetings")

    # -- contributions ---------------------------------------------------------------------

    def load_contributions(self) -> None:
        from faelles.accounts.models import Organisation
        from faelles.participation.models import Contribution, ContributionKind, Neighbourhood
        from faelles.participation.phases import PhaseType

        rng = self.rng
        n = self.sizes["contributions"]
        n_proc = len(self.processes)
        main = int(n * MAIN_SHARE) if n_proc > 1 else n
        per_process = [main, *skewed_counts(rng, n_proc - 1, n - main, alpha=2.0)]
        orgs = list(
            Organisation.objects.filter(municipality=self.municipality).values_list("pk", flat=True)
        )
        areas = [v for v, _label in Neighbourhood.choices if v]
        first = next_id(Contribution)
        # Plan: (process index, phase, created_at) sorted by time, so ids follow time as in life.
        plan: list[tuple[dt.datetime, int, dict[str, Any]]] = []
        for p_index, (process, k) in enumerate(zip(self.processes, per_process, strict=True)):
            open_phases = [
                ph
                for ph in process["phases"]
                if ph["type"]
                in (
                    PhaseType.IDEA_COLLECTION,
                    PhaseType.PRE_HEARING,
                    PhaseType.HEARING,
                    PhaseType.COMMUNITY_LAB,
                )
                and ph["start"] < self.now
            ]
            if not open_phases:
                open_phases = process["phases"][:1]
            for _ in range(k):
                phase = rng.choice(open_phases)
                end = min(phase["end"], self.now - dt.timedelta(minutes=5))
                seconds = max(int((end - phase["start"]).total_seconds()), 60)
                created = phase["start"] + dt.timedelta(
                    seconds=rng.randrange(seconds), microseconds=rng.randrange(1_000_000)
                )
                plan.append((created, p_index, phase))
        plan.sort(key=lambda item: item[0])
        self.contrib_first = first
        count = len(plan)
        # Who writes: the measured citizen gets 500; the rest are spread with a heavy tail.
        authors = [self.random_user() for _ in range(count)]
        for i in rng.sample(range(count), min(CITIZEN_500_CONTRIBUTIONS, count)):
            authors[i] = self.citizen500
        self.contrib_process = array("I", (p for _c, p, _ph in plan))
        self.contrib_created = [c for c, _p, _ph in plan]
        # Counters are planned now, so contribution rows are written once with exact values.
        comment_cap = max(THREAD_200 * 10, 2_000)
        self.comment_counts = skewed_counts(rng, count, self.sizes["comments"], cap=comment_cap)
        if count and self.sizes["comments"] >= THREAD_200 * 2:
            target = next((i for i in range(count // 2, count) if plan[i][1] == 0), count // 2)
            delta = THREAD_200 - self.comment_counts[target]
            self.comment_counts[target] = THREAD_200
            # Keep the total exact: take or give the difference elsewhere.
            j = (target + 1) % count
            guard = 0
            while delta and guard < 10 * count:
                guard += 1
                if j != target and self.comment_counts[j] != THREAD_200:
                    step = min(delta, self.comment_counts[j]) if delta > 0 else delta
                    self.comment_counts[j] -= step
                    delta -= step
                j = (j + 1) % count
        n_users = self.user_ids[1] - self.user_ids[0]
        self.support_counts = skewed_counts(rng, count, self.sizes["supports"], cap=n_users)
        self.supporters: list[array] = []
        confirmed_counts = []
        lo = self.user_ids[0]
        for k in self.support_counts:
            users = array("I", sorted(lo + u for u in rng.sample(range(n_users), k)))
            self.supporters.append(users)
            confirmed_counts.append(sum(1 for u in users if self.confirmed(u)))
        self.say(
            f"planned {count} contributions, {sum(self.comment_counts)} comments, "
            f"{sum(self.support_counts)} supports"
        )

        self.visible = array("b", [1]) * count
        writer = RowWriter(
            Contribution,
            [
                "id",
                "municipality_id",
                "process_id",
                "phase_id",
                "question_id",
                "meeting_id",
                "kind",
                "author_id",
                "on_behalf_of_id",
                "offline_source",
                "offline_author_name",
                "title",
                "text",
                "neighbourhood",
                "publish_name",
                "is_hidden",
                "hidden_reason",
                "withdrawn_at",
                "is_example",
                "created_at",
                "support_count",
                "confirmed_support_count",
                "comment_count",
                "excerpt",
                "shuffle_key",
            ],
        )
        text = self.text
        m_id = self.municipality.pk
        # The stored plain-text excerpt the list shows, made as the services make it.
        from faelles.participation.selectors import excerpt

        def rows() -> Iterator[tuple[Any, ...]]:
            for i, (created, p_index, phase) in enumerate(plan):
                process = self.processes[p_index]
                kind = ContributionKind.IDEA
                question = None
                if phase["type"] == PhaseType.PRE_HEARING:
                    kind = ContributionKind.PREHEARING_ANSWER
                    question = rng.choice(phase["questions"]) if phase["questions"] else None
                elif phase["type"] == PhaseType.HEARING:
                    kind = ContributionKind.HEARING_RESPONSE
                elif phase["type"] == PhaseType.COMMUNITY_LAB:
                    kind = ContributionKind.PROPOSAL
                author = authors[i]
                offline, offline_name, meeting = "", "", None
                roll = rng.random()
                if roll < 0.02 and process["meetings"]:
                    author, offline, meeting = None, "workshop", rng.choice(process["meetings"])
                    kind = ContributionKind.WORKSHOP_NOTE
                elif roll < 0.03:
                    author, offline = None, "letter"
                    offline_name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                on_behalf = rng.choice(orgs) if orgs and author and rng.random() < 0.01 else None
                hidden = rng.random() < 0.004
                withdrawn = created + dt.timedelta(days=1) if rng.random() < 0.003 else None
                if hidden or withdrawn:
                    self.visible[i] = 0
                body = text.paragraphs(1, 4)
                yield (
                    first + i,
                    m_id,
                    process["pk"],
                    phase["pk"],
                    question,
                    meeting,
                    kind,
                    author,
                    on_behalf,
                    offline,
                    offline_name,
                    text.title(),
                    body,
                    rng.choice(areas) if rng.random() < 0.7 else "",
                    rng.random() < 0.9,
                    hidden,
                    "Personlige oplysninger om andre" if hidden else "",
                    withdrawn,
                    True,
                    created,
                    self.support_counts[i],
                    confirmed_counts[i],
                    self.comment_counts[i],
                    excerpt(body),
                    # Its own random position for the "random" order (a model default would
                    # be evaluated once for every row here).
                    rng.randrange(2**31),
                )

        writer.write(rows(), batch=5_000)
        self.say(f"contributions: {writer.count}")

    # -- comments --------------------------------------------------------------------------

    def load_comments(self) -> None:
        from faelles.participation.models import Comment

        rng = self.rng
        first = next_id(Comment)
        m_id = self.municipality.pk
        writer = RowWriter(
            Comment,
            [
                "id",
                "municipality_id",
                "contribution_id",
                "parent_id",
                "author_id",
                "text",
                "created_at",
                "is_hidden",
                "hidden_reason",
                "is_example",
            ],
        )
        sentences = [self.text.sentence(5, 20) for _ in range(4_000)]
        horizon = self.now - dt.timedelta(minutes=1)

        def rows() -> Iterator[tuple[Any, ...]]:
            cid = first
            for i, k in enumerate(self.comment_counts):
                if not k:
                    continue
                contribution = self.contrib_first + i
                created = self.contrib_created[i]
                span = max(int((horizon - created).total_seconds()), k + 1)
                offsets = sorted(rng.randrange(span) for _ in range(k))
                thread_first = cid
                for j, offset in enumerate(offsets):
                    parent = None
                    if j and rng.random() < 0.35:
                        parent = rng.randrange(thread_first, cid)
                    hidden = rng.random() < 0.003
                    yield (
                        cid,
                        m_id,
                        contribution,
                        parent,
                        self.random_user(),
                        " ".join(rng.choices(sentences, k=rng.randint(1, 4))),
                        created
                        + dt.timedelta(seconds=offset + 1, microseconds=rng.randrange(1_000_000)),
                        hidden,
                        "Stødende sprog" if hidden else "",
                        True,
                    )
                    cid += 1

        writer.write(rows())
        self.say(f"comments: {writer.count}")

    # -- supports --------------------------------------------------------------------------

    def load_supports(self) -> None:
        from faelles.participation.models import Support

        rng = self.rng
        first = next_id(Support)
        writer = RowWriter(Support, ["id", "contribution_id", "user_id", "counts", "created_at"])
        horizon = self.now - dt.timedelta(minutes=1)

        def rows() -> Iterator[tuple[Any, ...]]:
            sid = first
            for i, users in enumerate(self.supporters):
                if not users:
                    continue
                contribution = self.contrib_first + i
                created = self.contrib_created[i]
                span = max(int((horizon - created).total_seconds()), 2)
                for user in users:
                    yield (
                        sid,
                        contribution,
                        user,
                        self.confirmed(user),
                        created + dt.timedelta(seconds=rng.randrange(span)),
                    )
                    sid += 1

        writer.write(rows(), batch=50_000)
        self.supporters = []
        self.say(f"supports: {writer.count}")

    def write_contributions_m2m(self) -> None:
        from faelles.participation.models import Contribution

        rng = self.rng
        pillars = Contribution.pillars.through
        targets = Contribution.sdg_targets.through
        p_first, t_first = next_id(pillars), next_id(targets)
        pw = RowWriter(pillars, ["id", "contribution_id", "pillar_id"])
        tw = RowWriter(targets, ["id", "contribution_id", "target_id"])
        p_rows: list[tuple[int, int, int]] = []
        t_rows: list[tuple[int, int, int]] = []
        for i, p_index in enumerate(self.contrib_process):
            process = self.processes[p_index]
            cid = self.contrib_first + i
            choices = process["pillars"] or self.pillars
            if choices and rng.random() < 0.8:
                for pillar in rng.sample(choices, rng.randint(1, min(2, len(choices)))):
                    p_rows.append((p_first + len(p_rows), cid, pillar))
            choices = process["targets"] or self.focus_targets
            if choices and rng.random() < 0.6:
                for target in rng.sample(choices, rng.randint(1, min(2, len(choices)))):
                    t_rows.append((t_first + len(t_rows), cid, target))
        pw.write(p_rows)
        tw.write(t_rows)
        # Rows written directly send no m2m_changed: set the stored SDG goal masks the list's
        # SDG filter reads, in bulk (one UPDATE per 500 contributions).
        from faelles.participation.services import refresh_sdg_goals

        refresh_sdg_goals(contribution_ids=[cid for _id, cid, _target in t_rows])
        self.say(f"contribution pillars: {pw.count}, SDG targets: {tw.count}")

    def update_process_counters(self) -> None:
        from faelles.participation.models import Process

        totals: dict[int, list[int]] = {}
        for i, p_index in enumerate(self.contrib_process):
            t = totals.setdefault(self.processes[p_index]["pk"], [0, 0, 0])
            t[0] += self.visible[i]
            t[1] += self.comment_counts[i]
            t[2] += self.support_counts[i]
        for pk, (contributions, comments, supports) in totals.items():
            Process.objects.filter(pk=pk).update(
                contribution_count=contributions, comment_count=comments, support_count=supports
            )
        self.say("process counters set")

    # -- feedback --------------------------------------------------------------------------

    def load_feedback(self) -> None:
        """Answers and statuses for a share of contributions, through the feedback models."""
        try:
            from faelles.feedback.models import Answer, ContributionState, Status
        except ImportError:
            self.say("feedback: models not available, skipped")
            return
        rng = self.rng
        m = self.municipality
        statuses = list(
            Status.objects.filter(municipality=m)
            .exclude(is_default=True)
            .values_list("pk", flat=True)
        )
        if not statuses:
            # A municipality made after the data migration gets its statuses on first use.
            from faelles.feedback.services import statuses_ensure

            statuses_ensure(municipality=m)
            statuses = list(
                Status.objects.filter(municipality=m)
                .exclude(is_default=True)
                .values_list("pk", flat=True)
            )
        if not statuses:
            self.say("feedback: no statuses for the municipality, skipped")
            return
        answers: dict[int, list[int]] = {}
        for process in self.processes:
            answers[process["pk"]] = [
                Answer.objects.create(
                    municipality=m,
                    process_id=process["pk"],
                    text=self.text.paragraphs(1, 3),
                    author_role="process_manager",
                    published_at=self.now - dt.timedelta(days=rng.randint(1, 60)),
                    is_example=True,
                ).pk
                for _ in range(5)
            ]
        writer = RowWriter(
            ContributionState,
            [
                "id",
                "municipality_id",
                "contribution_id",
                "status_id",
                "status_changed_at",
                "answer_id",
                "answered_at",
            ],
        )
        first = next_id(ContributionState)

        def rows() -> Iterator[tuple[Any, ...]]:
            sid = first
            for i, p_index in enumerate(self.contrib_process):
                if rng.random() >= 0.3:
                    continue
                created = self.contrib_created[i]
                when = min(created + dt.timedelta(days=rng.randint(1, 40)), self.now)
                answered = rng.random() < 0.6
                yield (
                    sid,
                    m.pk,
                    self.contrib_first + i,
                    rng.choice(statuses),
                    when,
                    rng.choice(answers[self.processes[p_index]["pk"]]) if answered else None,
                    when if answered else None,
                )
                sid += 1

        writer.write(rows())
        self.say(f"feedback states: {writer.count}")

    # -- indicators ------------------------------------------------------------------------

    def load_indicators(self) -> None:
        from faelles.indicators.models import Indicator, Observation, disaggregation_key
        from faelles.participation.models import Neighbourhood
        from faelles.strategy.models import Goal

        rng = self.rng
        m = self.municipality
        goals = list(Goal.objects.filter(municipality=m).order_by("pk"))
        if not goals:
            self.say("indicators: no strategy goals (run `faelles demo`), skipped")
            return
        areas = [label for value, label in Neighbourhood.choices if value][1:7]
        indicators = []
        for g_index, goal in enumerate(goals):
            for k in range(4):
                slug = f"bench-{goal.slug}-{k + 1}"[:120]
                if Indicator.objects.filter(municipality=m, slug=slug).exists():
                    continue
                base = rng.uniform(20, 800)
                indicators.append(
                    (
                        Indicator.objects.create(
                            municipality=m,
                            goal=goal,
                            slug=slug,
                            title_da=f"{goal.title} – måling {k + 1}",
                            title_en=f"{goal.title} – measure {k + 1}",
                            description_da=self.text.paragraphs(1, 2),
                            unit_da="antal",
                            unit_en="count",
                            direction="down" if k % 2 else "up",
                            base_year=2015,
                            target_value=round(base * (0.6 if k % 2 else 1.5), 1),
                            target_year=2030,
                            order=g_index * 10 + k,
                            is_example=True,
                            is_published=True,
                        ),
                        base,
                    )
                )
        obs: list[Observation] = []
        for indicator, base in indicators:
            down = indicator.direction == "down"
            for year in range(2010, 2026):
                trend = (year - 2010) * (-0.02 if down else 0.025)
                value = base * (1 + trend + rng.uniform(-0.03, 0.03))
                obs.append(
                    Observation(
                        municipality=m,
                        indicator=indicator,
                        period=str(year),
                        year=year,
                        value=round(value, 2),
                        source="Benchmark",
                    )
                )
                for area in areas:
                    share = value / len(areas) * rng.uniform(0.7, 1.3)
                    key = disaggregation_key({"Område": area})
                    obs.append(
                        Observation(
                            municipality=m,
                            indicator=indicator,
                            period=str(year),
                            year=year,
                            value=round(share, 2),
                            disaggregation={"Område": area},
                            disaggregation_key=key,
                            dimensions="Område",
                            source="Benchmark",
                        )
                    )
        Observation.objects.bulk_create(obs, batch_size=2_000)
        recomputed = 0
        try:
            from faelles.indicators.services import indicator_recompute

            for indicator, _base in indicators:
                indicator_recompute(indicator=indicator)
                recomputed += 1
        except Exception as exc:
            self.say(f"indicators: recompute failed ({exc}); pages compute on demand")
        self.say(
            f"indicators: {len(indicators)} with {len(obs)} observations ({recomputed} assessed)"
        )

    # -- finishing -------------------------------------------------------------------------

    def reset_sequences(self) -> None:
        if connection.vendor != "postgresql":
            return
        from django.apps import apps
        from django.core.management.color import no_style

        models_ = [
            mdl
            for mdl in apps.get_models(include_auto_created=True)
            if mdl._meta.app_label in ("accounts", "participation", "feedback", "indicators")
        ]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models_):
                cursor.execute(sql)

    def analyze(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE")
            else:
                cursor.execute("ANALYZE")
        self.say("statistics updated (ANALYZE)")
