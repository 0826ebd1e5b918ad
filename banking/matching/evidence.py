"""What one statement line says about entries and parties, found through the index.

Entry evidence: a KID / RF reference issued for the entry, its document or external document
number in the text. Party evidence: the payer's IBAN or account is on the party's card, the
payer name or the text names the party (NAV nearness and rapidfuzz), a user applied this payer
account or text to the party before. Each piece carries its `Reason` and a boost (see engine).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process

from banking.matching.index import IndexedEntry, MatchIndex, PartyKey, reference_key
from banking.matching.model import Reason, StatementLine
from banking.matching.normalize import (
    ACCOUNT_NO,
    IBAN,
    bank_keys,
    doc_keys_in_text,
    is_specific_text_key,
    learned_text_key,
    name_tokens,
    nearness,
    text_tokens,
)
from receivables.lib.payment_reference import (
    ReferenceKind,
    find_references,
    is_valid_rf,
)

FULLY = "fully"
PARTIALLY = "partially"
NO = "no"
LEVEL_RANK = {NO: 0, PARTIALLY: 1, FULLY: 2}

# Boosts: they order candidates whose rule score is equal (the matrix alone decides confidence).
BOOST_DOC = {"kid": 40, "rf": 40, "doc": 20, "ext": 15, "doc_digits": 10, "ext_digits": 8}
BOOST_IBAN = 25
BOOST_ACCOUNT = 20
BOOST_LEARNED_ACCOUNT = 15
BOOST_LEARNED_TEXT = 10
BOOST_NAME_EXACT = 15
BOOST_MULTIPLE_PARTIES = -20

NAME_SHORTLIST = 12  # parties found by name tokens that are compared with rapidfuzz
NAME_COMPARED = 3  # of those, the best few also get NAV's (slower) nearness
NAME_FLOOR = 60  # below this rapidfuzz score a name is no evidence at all
SHORT_NAME = 6  # normalized names shorter than this count in free text only as whole words
SHORT_NAME_CAP = 80
NAME_NEAR_PREFILTER = 85  # a structured name scoring less cannot have NAV nearness >= 95
NAV_NEAR_FULL = 95  # NAV: nearness >= 95 -> Partially (Fully when the name is unique)
NAV_NEAR_TEXT = 65  # NAV: nearness of the transaction text >= 65 -> Partially
DOC_DIGITS_MAX_ENTRIES = 5  # a bare number found on more entries than this is noise (a year...)

NOT_PROVIDED = "NOTPROVIDED"


@dataclass(slots=True)
class EntryEvidence:
    item: IndexedEntry
    doc: str = ""  # strongest: kid | rf | doc | ext | doc_digits | ext_digits
    evidence: list[Reason] = field(default_factory=list)

    @property
    def boost(self) -> int:
        return BOOST_DOC.get(self.doc, 0)


@dataclass(slots=True)
class PartyEvidence:
    key: PartyKey
    level: str = NO
    identity: bool = False  # account, name or learned evidence (not just an amount)
    boost: int = 0
    ambiguous: bool = False  # the same evidence fits another party of the same kind
    evidence: list[Reason] = field(default_factory=list)

    def raise_level(self, level: str) -> None:
        if LEVEL_RANK[level] > LEVEL_RANK[self.level]:
            self.level = level


def describe(ix: MatchIndex, key: PartyKey) -> str:
    party = ix.parties.get(key)
    name = f" {party.name}" if party else ""
    return f"{key[0]} {key[1]}{name}"


def doc_label(item: IndexedEntry) -> str:
    entry = item.entry
    return f"{entry.document_type.replace('_', ' ')} {entry.document_no or entry.entry_no}"


def search_text(line: StatementLine) -> str:
    parts = [line.text]
    if line.end_to_end_id and line.end_to_end_id.upper() != NOT_PROVIDED:
        parts.append(line.end_to_end_id)
    return " ".join(part for part in parts if part)


# --- entries ---------------------------------------------------------------------------------


def entry_evidence(
    line: StatementLine, ix: MatchIndex, text: str, eligible
) -> dict[int, EntryEvidence]:
    """KID / RF references and document numbers in the line, by entry seq."""
    found: dict[int, EntryEvidence] = {}

    def add(item: IndexedEntry, doc: str, evidence: Reason) -> None:
        if not eligible(item):
            return
        current = found.get(item.seq)
        if current is None:
            current = found[item.seq] = EntryEvidence(item)
        if BOOST_DOC[doc] > BOOST_DOC.get(current.doc, 0):
            current.doc = doc
        current.evidence.append(evidence)

    references: list[tuple[str, str]] = []  # (kind, key)
    if line.creditor_reference.strip():
        key = reference_key(line.creditor_reference)
        references.append(("rf" if key.startswith("RF") and is_valid_rf(key) else "kid", key))
    for reference in find_references(text):
        kind = "rf" if reference.kind is ReferenceKind.RF else "kid"
        key = reference.value.upper()
        if (kind, key) not in references:
            references.append((kind, key))
    reference_keys = set()  # references that are KIDs we issued: their digits are no doc. no.
    for kind, key in references:
        issued = ix.by_reference.get(key, ())
        if issued:
            reference_keys.add(key)
        for item in issued:
            label = "KID" if kind == "kid" else "RF reference"
            add(
                item,
                kind,
                Reason(
                    kind,
                    f"{label} {key} matches {doc_label(item)}",
                    {"reference": key, "document_no": item.entry.document_no},
                ),
            )

    keys = sorted(key for key in doc_keys_in_text(text) if key not in reference_keys)
    for key in keys:
        for item in ix.by_doc.get(key, ()):
            add(item, "doc", Reason(
                "doc_no_in_text",
                f"Document no. {item.entry.document_no} found in the text",
                {"document_no": item.entry.document_no, "found": key},
            ))
        for item in ix.by_ext.get(key, ()):
            add(item, "ext", Reason(
                "ext_doc_no_in_text",
                f"External document no. {item.entry.external_document_no} of {doc_label(item)} "
                f"found in the text",
                {"external_document_no": item.entry.external_document_no,
                 "document_no": item.entry.document_no, "found": key},
            ))
    # Digits alone ('10321' of 'INV-10321') only for entries no whole number was found for.
    for key in keys:
        if key.isdigit():
            for index, doc, code, field_name in (
                (ix.by_doc_digits, "doc_digits", "doc_no_in_text", "document_no"),
                (ix.by_ext_digits, "ext_digits", "ext_doc_no_in_text", "external_document_no"),
            ):
                items = index.get(key, ())
                if len(items) > DOC_DIGITS_MAX_ENTRIES:
                    continue
                for item in items:
                    number = getattr(item.entry, field_name)
                    if item.seq in found and found[item.seq].doc in ("kid", "rf", "doc", "ext"):
                        continue
                    label = "document no." if field_name == "document_no" else "external document no."
                    add(item, doc, Reason(
                        code,
                        f"Number {key} in the text matches {label} {number} of {doc_label(item)}",
                        {field_name: number, "document_no": item.entry.document_no, "found": key},
                    ))
    return found


# --- parties ---------------------------------------------------------------------------------


def party_evidence(
    line: StatementLine,
    ix: MatchIndex,
    text: str,
    settings,
    extra_parties: set[PartyKey],
    *,
    search_names: bool = True,
) -> dict[PartyKey, PartyEvidence]:
    """Account, learned and name evidence for the parties the line points to (and `extra_parties`).

    With `search_names` off (the line carries a KID that settles an entry) the payer name is
    only compared with the parties already found, not looked up among all parties.
    """
    result: dict[PartyKey, PartyEvidence] = {}

    def get(key: PartyKey) -> PartyEvidence:
        evidence = result.get(key)
        if evidence is None:
            evidence = result[key] = PartyEvidence(key)
        return evidence

    # Payer IBAN / account against the parties' bank accounts, then against learned accounts.
    payer_keys = bank_keys(line.party_iban) + bank_keys(line.party_account)
    seen_accounts: set[tuple[PartyKey, str]] = set()
    for bank_key, how in payer_keys:
        owners = ix.by_bank.get(bank_key, ())
        for owner in owners:
            if (owner, "bank") in seen_accounts:
                continue
            seen_accounts.add((owner, "bank"))
            same_kind = [other for other in owners if other[0] == owner[0]]
            evidence = get(owner)
            evidence.identity = True
            evidence.boost += BOOST_IBAN if how == IBAN else BOOST_ACCOUNT
            label = "IBAN" if how == IBAN else "account"
            evidence.evidence.append(Reason(
                "iban" if how == IBAN else ACCOUNT_NO,
                f"Payer {label} {bank_key} is a bank account of {describe(ix, owner)}",
                {"account": bank_key, "party_no": owner[1], "kind": owner[0]},
            ))
            if len(same_kind) > 1:
                evidence.raise_level(PARTIALLY)
                _mark_ambiguous(evidence, ix, same_kind, f"payer {label} {bank_key}")
            else:
                evidence.raise_level(FULLY)
        learned = ix.learned_bank.get(bank_key, ())
        # An account users applied to several parties is a shared one (a payment service, a
        # parent company): it identifies none of them.
        for owner in learned if len(learned) == 1 else ():
            if (owner, "learned") in seen_accounts:
                continue
            seen_accounts.add((owner, "learned"))
            evidence = get(owner)
            evidence.identity = True
            evidence.boost += BOOST_LEARNED_ACCOUNT
            evidence.evidence.append(Reason(
                "learned",
                f"Payments from account {bank_key} were applied to {describe(ix, owner)} before",
                {"account": bank_key, "party_no": owner[1], "kind": owner[0]},
            ))
            evidence.raise_level(FULLY)

    # Learned text: the user applied a line with this text (or payer name) to the party before.
    # A key learned for several parties says nothing; nor does a generic one ('Betaling').
    keys = (
        {learned_text_key(line.text), learned_text_key("", line.party_name)} if ix.learned_text else ()
    )
    for text_key in keys:
        owners = ix.learned_text.get(text_key, ())
        if len(owners) != 1 or not is_specific_text_key(text_key):
            continue
        for owner in owners:
            evidence = get(owner)
            evidence.identity = True
            evidence.boost += BOOST_LEARNED_TEXT
            evidence.raise_level(PARTIALLY)
            evidence.evidence.append(Reason(
                "learned",
                f"Text '{text_key}' was applied to {describe(ix, owner)} before",
                {"text_key": text_key, "party_no": owner[1], "kind": owner[0]},
            ))

    _name_evidence(line, ix, text, settings, extra_parties | set(result), get, search_names)
    return result


def _mark_ambiguous(evidence: PartyEvidence, ix: MatchIndex, keys: list[PartyKey], what: str) -> None:
    if evidence.ambiguous:
        return
    evidence.ambiguous = True
    evidence.boost += BOOST_MULTIPLE_PARTIES
    names = ", ".join(describe(ix, key) for key in keys)
    evidence.evidence.append(Reason(
        "multiple_parties",
        f"The {what} fits {len(keys)} parties equally: {names}",
        {"parties": ",".join(key[1] for key in keys)},
    ))


@dataclass(slots=True)
class _NameFit:
    score: int  # rapidfuzz, 0-100
    near: int  # NAV nearness, 0-100
    exact: bool


def _name_evidence(
    line, ix: MatchIndex, text: str, settings, extra: set[PartyKey], get, search: bool
) -> None:
    structured = bool(line.party_name.strip())
    raw = line.party_name if structured else text
    tokens = name_tokens(raw) if structured else text_tokens(raw)
    query = " ".join(tokens)
    if not query:
        return
    padded_query = f" {query} "
    prefilters: dict[PartyKey, int] = {}
    if search:
        choices = {}
        for key in ix.parties_for_tokens(tokens, NAME_SHORTLIST):
            norm = ix.party_norm.get(key)
            if norm:
                choices[key] = norm
        # WRatio (the best of ratio, partial and token ratios) only picks whom to look at closely.
        picked = process.extract(
            query, choices, scorer=fuzz.WRatio, processor=None, score_cutoff=NAME_FLOOR,
            limit=NAME_COMPARED,
        )
        prefilters = {key: int(score) for _norm, score, key in picked}
    for key in extra - prefilters.keys():
        norm = ix.party_norm.get(key)
        if norm:
            score = fuzz.WRatio(query, norm, processor=None)
            if score >= NAME_FLOOR:
                prefilters[key] = int(score)
    fits: dict[PartyKey, _NameFit] = {}
    for key, prefilter in prefilters.items():
        norm = ix.party_norm[key]
        if structured:
            score = fuzz.token_sort_ratio(query, norm)
            exact = score == 100  # the same words, in any order
        else:
            # How much of the party's name the text contains (not the reverse: a text that is
            # part of a longer name does not name that party).
            exact = f" {norm} " in padded_query
            if exact:
                score = 100
            elif len(norm) <= len(query):
                score = fuzz.partial_ratio(norm, query)
                if len(norm) < SHORT_NAME:
                    score = min(score, SHORT_NAME_CAP)  # 'berg' inside 'bergen' is no evidence
            else:
                score = fuzz.ratio(norm, query)
        # NAV's nearness compares the raw strings (legal form included), the party name first.
        # It only matters when it can reach 95 (structured) or 65 (text), which needs a high
        # prefilter; a structured name equal after normalization is taken as 100.
        if structured and exact:
            near = 100
        elif prefilter >= (NAV_NEAR_TEXT if not structured else NAME_NEAR_PREFILTER):
            near = nearness(ix.parties[key].name, raw)
        else:
            near = 0
        fits[key] = _NameFit(int(score), near, exact)
    if not fits:
        return

    if not structured:
        # 'Fjord Handel Bergen' in the text is an exact fit for 'Fjord Handel Bergen AS', not for
        # 'Fjord Handel AS' whose name it merely contains.
        exact_norms = {key: ix.party_norm[key] for key, fit in fits.items() if fit.exact}
        for key, norm in exact_norms.items():
            if any(other != norm and f" {norm} " in f" {other} " for other in exact_norms.values()):
                fits[key].exact = False

    threshold = settings.name_similarity_threshold
    for kind in {key[0] for key in fits}:
        of_kind = {key: fit for key, fit in fits.items() if key[0] == kind}
        strong = [key for key, fit in of_kind.items()
                  if fit.exact or fit.near >= NAV_NEAR_FULL or fit.score >= NAV_NEAR_FULL]
        exact = [key for key in strong if of_kind[key].exact]
        # Fully needs the name to point at one party only: the single exact fit among the strong
        # ones, and a name no other party has (NAV: unique).
        sole = exact[0] if len(exact) == 1 else (strong[0] if len(strong) == 1 else None)
        if sole is not None and len(ix.by_norm_name.get(ix.party_norm[sole], ())) > 1:
            sole = None
        for key, fit in of_kind.items():
            level = NO
            if fit.exact or fit.score >= threshold:
                level = PARTIALLY
            if fit.near >= NAV_NEAR_FULL or (not structured and fit.near >= NAV_NEAR_TEXT):
                level = PARTIALLY
            if level == NO:
                continue
            # Fully: NAV's nearness >= 95 with a unique name; for a structured payer name also
            # an exact fit after normalization (legal form, case, word order). In free text an
            # exact fit of the normalized name stays Partially (spec scenario 23: "Fjord Handel"
            # in the text for "Fjord Handel AS" is nearness 80, Partially).
            # Beyond NAV: nearness alone is not enough for Fully, the names must also be similar
            # as wholes ('NINA KRISTOFFERSEN' is all inside 'Nina Kristoffersen Interior AS',
            # nearness 100, but names another party as likely as that one).
            if key == sole and (
                (structured and fit.exact)
                or (fit.near >= NAV_NEAR_FULL and fit.score >= threshold and ix.is_nav_unique(key))
            ):
                level = FULLY
            evidence = get(key)
            evidence.identity = True
            evidence.raise_level(level)
            what = "Payer name" if structured else "Text"
            shown = (line.party_name if structured else line.text).strip()
            params = {"name": shown, "party_no": key[1], "kind": kind,
                      "similarity": str(fit.score), "nearness": str(fit.near)}
            if fit.exact:
                evidence.boost += BOOST_NAME_EXACT
                evidence.evidence.append(Reason(
                    "name_exact", f"{what} '{shown}' names {describe(ix, key)}", params))
            else:
                evidence.boost += max(0, (max(fit.score, fit.near) - 80) // 2)
                evidence.evidence.append(Reason(
                    "name_similar",
                    f"{what} '{shown}' resembles {describe(ix, key)} "
                    f"(similarity {fit.score}, nearness {fit.near})",
                    params,
                ))
            if len(strong) > 1 and key in strong and key != sole:
                _mark_ambiguous(evidence, ix, strong, "name")


def entry_is_eligible(item: IndexedEntry, amount_cents: int, on: date, currency: str) -> bool:
    """NAV: signs agree, the entry was posted by the transaction date, same currency."""
    return item.cents * amount_cents > 0 and item.posting_date <= on and item.currency == currency
