"""Apply Automatically on a generated statement: speed, memory, and quality against labels.

Run with:  .venv/bin/python -m pytest -m benchmark -n 0 -s tests/benchmarks/bench_matching.py

Issue 5's target: 10,000 statement lines against 100,000 open entries of 20,000 customers in
under 5 s on a 2-core machine; on labelled lines, no wrong application at High. Figures are
printed, never asserted (timings depend on the machine and on what else runs on it). Randomness
is seeded, so every run generates the same company and the same statement.

The generator (`generate`) writes what a Norwegian company sees: customers named like Norwegian
firms (several close pairs such as "Fjord Handel AS" / "Fjord Handel Bergen AS", a few exact
namesakes), invoices with KIDs and 2 % / 8 days discount terms, credit memos and open payments,
vendors with their own invoice numbers, and a statement of payments with realistic noise: KID
given 40 % of the time, invoice numbers in the text in many spellings (glued, listed, with
prefixes, sometimes mistyped), payer names upper-cased, without or with another legal form,
reordered, misspelt, or a person's name instead of the firm's, payer IBAN known for half, partial
and combined payments, duplicate payments, bank fees, interest and unknown payers.
"""
from __future__ import annotations

import gc
import os
import random
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest

from banking.matching import (
    MatchSettings,
    OpenEntry,
    Party,
    StatementLine,
    TextMapping,
    build_index,
    match_statement,
)
from receivables.lib.payment_reference import make_kid

pytestmark = pytest.mark.benchmark

SEED = 20260115
STATEMENT_DATE = date(2026, 3, 31)

PLACES = """Fjord Nord Vest Ost Sor Berg Dal Fjell Skog Sjo Elv Bakke Lia Vik Havn Strand Holm Nes
Moen Haug Lund Eik Bjork Furu Gran Stein Sol Vind Bolge Kyst Polar Aurora Midnatt Nordlys Tind Bre
Foss Li Myr Eng Aas Topp Ask Alm Hegg Lyng Rogn Selje Trost Orn Falk Ulv Bjorn Rein Elg Hval Sel
Laks Torsk Sild Maken Ravn Hauk Due Svane Vinter Var Sommer Host Dag Natt Stjerne Mane Himmel Regn
Sno Frost Tinde Fonn Vidde Ferd Veg Bro Tun Gard Stue Hytte""".split()
SURNAMES = """Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen
Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl Jorgensen Halvorsen
Henriksen Lund Sorensen Jakobsen Moen Gundersen Iversen Strand Solberg Svendsen Eide Knutsen
Martinsen Paulsen Bakken Kristoffersen Mathisen Lie Amundsen Nguyen Rasmussen Ali Lunde Solheim
Berge Moe Nygard Bakke Kristensen Fredriksen Holm Lien Hauge Christensen Andresen Nielsen Knudsen
Evensen Saether Aas Myhre Hanssen Ahmed Haugland Thorsen Danielsen Isaksen Sandvik Tveit Ruud
Hovland Aasen Brekke Vik Birkeland Mikkelsen Stene Ellingsen Engen Torgersen Ness Hamre""".split()
TRADES = """Handel Bygg Transport Regnskap Consult Eiendom Elektro Ror Maskin Data Design Frisor
Bakeri Auto Marine Fisk Mat Catering Entreprenor Maling Tre Tak Anlegg Media Reklame Sport Helse
Tannlege Invest Holding Service Systemer Teknikk Utvikling Logistikk Energi Sikkerhet Radgivning
Interior Blomster Optikk Apotek Arkitekter Advokat Revisjon Utleie Gjenvinning Vekst Hage Dyr
Trafikkskole Rorlegger Snekker Murer Glass Ventilasjon Kjoling Varme Sveis Stal""".split()
FIRST_NAMES = """Ola Kari Per Anne Lars Ingrid Jon Marit Knut Hilde Arne Liv Bjorn Randi Tor Nina
Geir Tone Svein Eva Rune Heidi Terje Silje Morten Camilla Espen Linn Trond Ida""".split()
CITIES = "Bergen Oslo Trondheim Stavanger Tromso Bodo Alesund Drammen Molde Hamar Skien Arendal".split()
LEGAL = [("AS", 70), ("ASA", 2), ("ANS", 5), ("DA", 3), ("", 15), ("SA", 2), ("NUF", 3)]


@dataclass(slots=True)
class Label:
    """What a correct engine does with a line."""

    kind: str = ""  # "" = leave the line unapplied; "gl_account" = text mapping
    party_no: str = ""
    entry_nos: frozenset[int] = frozenset()
    story: str = ""  # what the generator did, for the per-story figures


@dataclass(slots=True)
class Company:
    parties: list[Party]
    entries: list[OpenEntry]
    mappings: list[TextMapping]
    lines: list[StatementLine] = field(default_factory=list)
    labels: dict[int, Label] = field(default_factory=dict)


def _iban(rng: random.Random) -> str:
    bban = "".join(rng.choice("0123456789") for _ in range(11))
    check = 98 - int(bban + "232400") % 97  # N=23, O=24, then "00"
    return f"NO{check:02d}{bban}"


def _weighted(rng: random.Random, pairs):
    return rng.choices([value for value, _ in pairs], [weight for _, weight in pairs])[0]


def _company_name(rng: random.Random) -> str:
    pattern = rng.random()
    if pattern < 0.30:
        base = f"{rng.choice(SURNAMES)} {rng.choice(TRADES)}"
    elif pattern < 0.55:
        base = f"{rng.choice(PLACES)} {rng.choice(TRADES)}"
    elif pattern < 0.70:
        base = f"{rng.choice(PLACES)}{rng.choice(TRADES).lower()}"
    elif pattern < 0.80:
        base = f"{rng.choice(SURNAMES)} & {rng.choice(SURNAMES)}"
    elif pattern < 0.90:
        base = f"{rng.choice(PLACES)} {rng.choice(SURNAMES)} {rng.choice(TRADES)}"
    else:
        base = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {rng.choice(TRADES)}"
    if rng.random() < 0.35:
        base = f"{base} {rng.choice(CITIES)}"
    legal = _weighted(rng, LEGAL)
    return f"{base} {legal}".strip()


def _amount(rng: random.Random) -> int:
    """Cents: log-normal around 5,000 NOK, 40 % round figures so that amounts repeat."""
    value = rng.lognormvariate(8.4, 1.0)
    value = min(max(value, 50), 900_000)
    if rng.random() < 0.4:
        step = 1000 if value > 5000 else 100
        return int(round(value / step) * step) * 100
    return int(value * 100)


def _money(amount_cents: int) -> Decimal:
    return Decimal(amount_cents).scaleb(-2)


def generate(
    customers: int = 20_000, vendors: int = 1_000, entries: int = 100_000, lines: int = 10_000,
    seed: int = SEED,
) -> Company:
    rng = random.Random(seed)
    parties: list[Party] = []
    names: dict[tuple[str, str], str] = {}
    ibans: dict[tuple[str, str], str] = {}
    for number in range(customers):
        no = f"C{10000 + number}"
        name = _company_name(rng)
        if number and rng.random() < 0.03:
            # Close pairs: an existing firm's name with a city or a word added, or a namesake.
            other = parties[rng.randrange(len(parties))].name
            name = other if rng.random() < 0.3 else other.replace(" AS", "") + f" {rng.choice(CITIES)} AS"
        iban = _iban(rng)
        on_card = rng.random() < 0.7
        parties.append(Party("customer", no, name, ibans=(iban,) if on_card else ()))
        names[("customer", no)] = name
        ibans[("customer", no)] = iban
    for number in range(vendors):
        no = f"V{20000 + number}"
        name = _company_name(rng)
        iban = _iban(rng)
        parties.append(Party("vendor", no, name, ibans=(iban,)))
        names[("vendor", no)] = name
        ibans[("vendor", no)] = iban

    # Open entries: customers skewed (most have a few, some many), vendors ~4 % of entries.
    open_entries: list[OpenEntry] = []
    customer_keys = [p.no for p in parties if p.kind == "customer"]
    vendor_keys = [p.no for p in parties if p.kind == "vendor"]
    weights = [rng.paretovariate(1.6) for _ in customer_keys]
    vendor_count = entries // 25
    owners = rng.choices(customer_keys, weights, k=entries - vendor_count)
    invoice_no = 100_000
    for entry_no, owner in enumerate(owners, start=1):
        posting = STATEMENT_DATE - timedelta(days=rng.randrange(1, 120))
        kind_roll = rng.random()
        amount = _amount(rng)
        invoice_no += 1
        if kind_roll < 0.03:
            open_entries.append(OpenEntry(
                entry_no, "customer", owner, "credit_memo", f"KR-{invoice_no}",
                posting_date=posting, due_date=posting, remaining_amount=-_money(amount // 4 or 100),
            ))
            continue
        if kind_roll < 0.04:
            open_entries.append(OpenEntry(
                entry_no, "customer", owner, "payment", f"BNK{invoice_no}",
                posting_date=posting, due_date=posting, remaining_amount=-_money(amount),
            ))
            continue
        remaining = amount
        if rng.random() < 0.08:
            remaining = amount - rng.randrange(1, max(2, amount // 2))
        discount_terms = rng.random() < 0.2 and remaining == amount
        document_no = str(invoice_no) if rng.random() < 0.8 else f"INV-{invoice_no}"
        open_entries.append(OpenEntry(
            entry_no, "customer", owner, "invoice", document_no,
            external_document_no=f"PO{rng.randrange(1000, 99999)}" if rng.random() < 0.2 else "",
            payment_reference=make_kid(document_no=str(invoice_no), document_no_length=10)
            if rng.random() < 0.9 else "",
            posting_date=posting, due_date=posting + timedelta(days=30),
            remaining_amount=_money(remaining),
            remaining_pmt_disc_possible=_money(amount * 2 // 100) if discount_terms else Decimal("0"),
            pmt_discount_date=posting + timedelta(days=8) if discount_terms else None,
            pmt_disc_tolerance_date=posting + timedelta(days=13) if discount_terms else None,
        ))
    for offset in range(vendor_count):
        entry_no = len(owners) + offset + 1
        owner = rng.choice(vendor_keys)
        posting = STATEMENT_DATE - timedelta(days=rng.randrange(1, 90))
        amount = _amount(rng)
        credit = rng.random() < 0.05
        external = rng.choice([
            str(rng.randrange(10_000, 9_999_999)), f"F{rng.randrange(2024, 2027)}-{rng.randrange(1, 9999)}",
            f"{rng.randrange(100, 999)}{rng.choice('ABCDEFGH')}{rng.randrange(1000, 9999)}",
        ])
        open_entries.append(OpenEntry(
            entry_no, "vendor", owner, "credit_memo" if credit else "invoice", f"PI-{entry_no}",
            external_document_no=external, posting_date=posting, due_date=posting + timedelta(days=14),
            remaining_amount=_money(amount // 5) if credit else -_money(amount),
        ))
    mappings = [
        TextMapping("GEBYR", "gl_account", debit_account_no="7770", credit_account_no="7770"),
        TextMapping("RENTER", "gl_account", debit_account_no="8050", credit_account_no="8150"),
    ]
    company = Company(parties, open_entries, mappings)
    _statement(company, rng, lines, names, ibans)
    return company


def _name_variant(rng: random.Random, name: str) -> tuple[str, str]:
    """(payer name as the bank prints it, what was done)."""
    roll = rng.random()
    words = name.split()
    if roll < 0.30:
        return name, "name as is"
    if roll < 0.50:
        return name.upper(), "name upper case"
    if roll < 0.62:
        base = " ".join(word for word in words if word not in {"AS", "ASA", "ANS", "DA", "SA", "NUF"})
        return (base + rng.choice(["", " A/S", " as", " AS."])).strip(), "legal form changed"
    if roll < 0.70 and len(words) >= 2:
        return " ".join(words[1:2] + words[:1] + words[2:]), "word order"
    if roll < 0.82:
        chars = list(name)
        position = rng.randrange(1, max(2, len(chars) - 3))
        if rng.random() < 0.5 and position + 1 < len(chars):
            chars[position], chars[position + 1] = chars[position + 1], chars[position]
        else:
            chars[position] = rng.choice("aeiourstn")
        return "".join(chars), "name typo"
    if roll < 0.90:
        return name.upper()[:18], "name truncated"
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}".upper(), "person pays"


def _doc_text(rng: random.Random, numbers: list[str]) -> str:
    if len(numbers) > 1:
        joined = rng.choice([
            " ".join(numbers), "/".join(numbers), ", ".join(numbers[:-1]) + " og " + numbers[-1],
            " + ".join(numbers),
        ])
        return rng.choice(["Faktura {}", "Fakturaer {}", "Fakt {}", "Inv {}", "{}"]).format(joined)
    number = numbers[0]
    return rng.choice([
        "Faktura {}", "Faktura{}", "Fakt.nr. {}", "Fakturanr:{}", "Inv {}", "Invoice {}", "{}",
        "Betaling faktura {}", "faktura nr {} takk", "Ref {}",
    ]).format(number)


def _typo_number(rng: random.Random, number: str) -> str:
    digits = list(number)
    position = rng.randrange(len(digits))
    if digits[position].isdigit():
        digits[position] = str((int(digits[position]) + rng.randrange(1, 9)) % 10)
    else:
        digits[position] = "0"
    return "".join(digits)


def _statement(company: Company, rng: random.Random, count: int, names, ibans) -> None:
    by_party: dict[tuple[str, str], list[OpenEntry]] = {}
    for entry in company.entries:
        by_party.setdefault((entry.kind, entry.party_no), []).append(entry)
    invoices = [e for e in company.entries if e.kind == "customer" and e.remaining_amount > 0]
    credits = [e for e in company.entries if e.kind == "customer" and e.remaining_amount < 0]
    vendor_invoices = [e for e in company.entries if e.kind == "vendor" and e.remaining_amount < 0]
    vendor_credits = [e for e in company.entries if e.kind == "vendor" and e.remaining_amount > 0]
    for pool in (invoices, credits, vendor_invoices, vendor_credits):
        rng.shuffle(pool)
    used: set[int] = set()
    paid_lines: list[tuple[OpenEntry, StatementLine]] = []

    def take(pool: list[OpenEntry]) -> OpenEntry | None:
        while pool:
            entry = pool.pop()
            if entry.entry_no not in used:
                used.add(entry.entry_no)
                return entry
        return None

    stories = [
        ("invoice", 58), ("partial", 6), ("combined", 7), ("vendor_payment", 8), ("customer_refund", 2),
        ("vendor_refund", 1), ("fee", 3), ("interest", 1), ("unknown", 5), ("duplicate", 1),
        ("discount", 5), ("wrong_number", 3),
    ]
    line_id = 0
    while line_id < count:
        story = _weighted(rng, stories)
        on = STATEMENT_DATE - timedelta(days=rng.randrange(0, 28))
        line_id += 1
        label = Label(story=story)
        text, party_name, iban, reference = "", "", "", ""
        amount = 0
        if story in ("invoice", "partial", "discount", "wrong_number"):
            entry = take(invoices)
            if entry is None:
                line_id -= 1
                continue
            key = ("customer", entry.party_no)
            amount = int(entry.remaining_amount * 100)
            if story == "discount" and entry.pmt_discount_date:
                on = min(entry.pmt_discount_date, STATEMENT_DATE)
                on = max(on, entry.posting_date)
                amount -= int(entry.remaining_pmt_disc_possible * 100)
            elif story == "partial":
                amount = max(100, int(amount * rng.uniform(0.2, 0.8)) // 100 * 100)
            if entry.posting_date > on:
                on = entry.posting_date
            label = Label("customer", entry.party_no, frozenset({entry.entry_no}), story)
            evidence = rng.random()
            if evidence < 0.40 and entry.payment_reference and story != "wrong_number":
                reference = entry.payment_reference
                if rng.random() < 0.5:
                    text, reference = rng.choice(["KID {}", "KID: {}", "{}", "Kid{}"]).format(reference), ""
            elif evidence < 0.70 or story == "wrong_number":
                number = entry.document_no
                if story == "wrong_number":
                    number = _typo_number(rng, number)
                text = _doc_text(rng, [number])
            elif rng.random() < 0.3:
                text = rng.choice(["Betaling", "Innbetaling", "Overforing", "Takk for handelen"])
            if rng.random() < 0.85:
                party_name, _ = _name_variant(rng, names[key])
            elif not text:
                text = names[key]
            if rng.random() < 0.5:
                iban = ibans[key]
            else:
                iban = _iban(rng)
            if story == "wrong_number" and not reference and rng.random() < 0.5:
                party_name = ""  # a mistyped number and no name: nothing safe to apply
                iban = _iban(rng)
                label = Label("", "", frozenset(), story)
        elif story == "combined":
            entry = take(invoices)
            if entry is None:
                line_id -= 1
                continue
            key = ("customer", entry.party_no)
            others = [
                e for e in by_party[key]
                if e.entry_no not in used and e.remaining_amount > 0 and e.pmt_discount_date is None
            ]
            if not others or entry.pmt_discount_date is not None:
                used.discard(entry.entry_no)
                invoices.insert(0, entry)
                line_id -= 1
                continue
            chosen = [entry] + rng.sample(others, min(len(others), rng.choice([1, 1, 2, 3])))
            for other in chosen:
                used.add(other.entry_no)
            amount = sum(int(e.remaining_amount * 100) for e in chosen)
            on = max(on, *(e.posting_date for e in chosen))
            label = Label("customer", entry.party_no, frozenset(e.entry_no for e in chosen), story)
            if rng.random() < 0.5:
                text = _doc_text(rng, [e.document_no for e in chosen])
            party_name, _ = _name_variant(rng, names[key])
            iban = ibans[key] if rng.random() < 0.5 else _iban(rng)
        elif story in ("vendor_payment", "customer_refund", "vendor_refund"):
            pool = {"vendor_payment": vendor_invoices, "customer_refund": credits,
                    "vendor_refund": vendor_credits}[story]
            entry = take(pool)
            if entry is None:
                line_id -= 1
                continue
            key = (entry.kind, entry.party_no)
            amount = int(entry.remaining_amount * 100)
            on = max(on, entry.posting_date)
            label = Label(entry.kind, entry.party_no, frozenset({entry.entry_no}), story)
            number = entry.external_document_no if entry.kind == "vendor" else entry.document_no
            if rng.random() < 0.8:
                text = _doc_text(rng, [number])
            else:
                text = rng.choice(["Tilbakebetaling", "Refusjon", "Betaling"])
            party_name = names[key] if rng.random() < 0.9 else ""
            iban = ibans[key] if rng.random() < 0.8 else ""
        elif story == "duplicate" and paid_lines:
            entry, first = rng.choice(paid_lines)
            amount = int(first.amount * 100)
            text, party_name = first.text, first.party_name
            iban, reference = first.party_iban, first.creditor_reference
            on = first.date
            label = Label("", "", frozenset(), story)  # the invoice is paid once
        elif story == "fee":
            amount = -rng.choice([2500, 3500, 4900, 12500])
            text = rng.choice(["NETTBANK GEBYR", "Gebyr utland", "Kortgebyr mars"])
            label = Label("gl_account", "7770", frozenset(), story)
        elif story == "interest":
            amount = rng.randrange(100, 50_000)
            text = "Renter"
            label = Label("gl_account", "8050", frozenset(), story)
        else:
            amount = _amount(rng)
            party_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}".upper()
            text = rng.choice(["", "Overforing", "Lan", "Depositum", "Gave"])
            iban = _iban(rng)
            label = Label("", "", frozenset(), "unknown")
        line = StatementLine(
            line_id, on, _money(amount), text, party_name, iban, "", reference,
            rng.choice(["NOTPROVIDED", f"E2E{line_id:08d}"]),
        )
        company.lines.append(line)
        company.labels[line_id] = label
        if label.entry_nos and story in ("invoice", "discount"):
            paid_lines.append((entry, line))


# --- evaluation --------------------------------------------------------------------------------


def evaluate(company: Company, decisions) -> dict:
    high = ("high", "high_text_mapping")
    per_level: Counter = Counter()
    per_level_correct: Counter = Counter()
    wrong_high: list[tuple[int, str, str]] = []
    correct_high = 0
    expected_applications = 0
    recalled = 0
    per_story: dict[str, Counter] = {}
    for decision in decisions:
        label = company.labels[decision.line_id]
        applied = frozenset(application.entry_no for application in decision.applications)
        if decision.confidence == "none":
            correct = not label.kind
        elif label.kind == "gl_account":
            correct = decision.account_type == "gl_account" and decision.account_no == label.party_no
        elif not label.kind:
            correct = False
        else:
            correct = (decision.account_type, decision.account_no, applied) == (
                label.kind, label.party_no, label.entry_nos)
        per_level[decision.confidence] += 1
        per_level_correct[decision.confidence] += correct
        story = per_story.setdefault(label.story, Counter())
        story["lines"] += 1
        story[f"{decision.confidence}{'' if correct else ' wrong'}"] += 1
        if decision.confidence in high:
            if correct:
                correct_high += 1
            else:
                wrong_high.append((decision.line_id, label.story, decision.confidence))
        if label.kind:
            expected_applications += 1
            recalled += correct and decision.confidence != "none"
    return {
        "lines": len(decisions),
        "correct_high": correct_high,
        "wrong_high": wrong_high,
        "recall": recalled / max(1, expected_applications),
        "per_level": per_level,
        "per_level_correct": per_level_correct,
        "per_story": per_story,
    }


def _print_quality(result: dict) -> None:
    lines = result["lines"]
    print(f"  applied correctly at High      {result['correct_high'] / lines:6.1%} "
          f"({result['correct_high']:,} of {lines:,} lines)")
    print(f"  wrong applications at High     {len(result['wrong_high'])} (target 0)")
    print(f"  recall at any confidence       {result['recall']:6.1%}")
    print("  precision per confidence:")
    for level in ("high_text_mapping", "high", "medium", "low", "none"):
        total = result["per_level"][level]
        if total:
            print(f"    {level:18} {result['per_level_correct'][level] / total:6.1%} of {total:,}")
    print("  per story (confidence, 'wrong' when not what the label says):")
    for story, counter in sorted(result["per_story"].items()):
        parts = ", ".join(f"{key} {value}" for key, value in sorted(counter.items()) if key != "lines")
        print(f"    {story:16} {counter['lines']:5}: {parts}")
    for line_id, story, confidence in result["wrong_high"][:10]:
        print(f"    wrong at {confidence}: line {line_id} ({story})")


def _settings() -> MatchSettings:
    return MatchSettings(tolerance_type="amount", tolerance_value=Decimal("0"))


def test_speed_and_quality_10k_lines_100k_entries() -> None:
    started = time.perf_counter()
    company = generate()
    generated = time.perf_counter() - started
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    index = build_index(company.entries, company.parties, company.mappings)
    indexed = (time.perf_counter() - wall, time.process_time() - cpu)
    wall, cpu = time.perf_counter(), time.process_time()
    decisions = match_statement(company.lines, index, _settings(), today=STATEMENT_DATE)
    matched = (time.perf_counter() - wall, time.process_time() - cpu)
    customers = sum(1 for p in company.parties if p.kind == "customer")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\nApply Automatically: {len(company.lines):,} lines, {len(company.entries):,} open entries, "
        f"{customers:,} customers, {len(company.parties) - customers:,} vendors"
        f"\n  generate data        {generated:6.2f} s (not part of the target)"
        f"\n                       wall      CPU of this process (load average {load:.1f})"
        f"\n  build index          {indexed[0]:6.2f} s  {indexed[1]:6.2f} s"
        f"\n  match statement      {matched[0]:6.2f} s  {matched[1]:6.2f} s"
        f"\n  index + matching     {indexed[0] + matched[0]:6.2f} s  {indexed[1] + matched[1]:6.2f} s"
        f"  (target < 5 s with loading the rows)"
    )
    _print_quality(evaluate(company, decisions))
    assert len(decisions) == len(company.lines)


def test_peak_memory_of_index_and_matching() -> None:
    """A separate run: tracemalloc slows Python down several times, so no timings here."""
    company = generate()
    gc.collect()
    tracemalloc.start()
    index = build_index(company.entries, company.parties, company.mappings)
    after_index = tracemalloc.get_traced_memory()
    match_statement(company.lines, index, _settings(), today=STATEMENT_DATE)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"\nMemory (tracemalloc, Python allocations beyond the input rows):"
        f"\n  index                {after_index[0] / 2**20:6.1f} MB"
        f"\n  peak during matching {peak / 2**20:6.1f} MB"
    )
