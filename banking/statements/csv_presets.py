"""Ready-made CSV mappings, by code.

Norwegian banks. Neither DNB nor SpareBank 1 publishes a specification of its
CSV export and no sample file with a clear licence was found, so these
layouts come from open-source importers and converters found in public
repositories (searched November 2025). What was assumed:

- DNB ("dnb"): `"Dato";"Forklaring";"Rentedato";"Ut fra konto";"Inn på konto"`,
  every cell quoted, semicolons, dd.mm.yyyy. Reports disagree on the rest:
  older exports are ISO-8859-1 with a decimal comma ("249,00", "25 000,00"),
  newer ones UTF-8 with a decimal point ("35.8"). Hence UTF-8 with a cp1252
  fallback and `decimal_separator="auto"`. "Rentedato" (interest date) is
  taken as the value date. Pending card purchases appear with the text
  "Reservert transaksjon"; they are kept, since the export gives no other
  sign of them; the importer may want to warn about them.
- SpareBank 1 ("sparebank1"): `Dato;Beskrivelse;Rentedato;Inn;Ut;Til konto;Fra konto;`
  with a trailing semicolon, values quoted, dd.mm.yyyy, decimal comma, UTF-8
  (possibly with BOM). The "Ut" column holds negative numbers ("-429,00");
  the sign is ignored because the column already says the money went out.
  "Fra konto" (from account) is taken as the party account; for money out it
  is our own account, a known limitation of a single mapping.

The other presets read the sample exports in the test corpus
(/work/shared/samples/csv): PayPal (English and Spanish), Digital Federal
Credit Union, Charles Schwab checking and Venmo.
"""

from __future__ import annotations

from .csv import CsvMapping

DNB = CsvMapping(
    code="dnb",
    name="DNB (nettbank, CSV)",
    delimiter=";",
    encoding="utf-8-sig",
    fallback_encoding="cp1252",
    date_format="%d.%m.%Y",
    decimal_separator="auto",
    booking_date_column="Dato",
    value_date_column="Rentedato",
    text_columns=("Forklaring",),
    debit_column="Ut fra konto",
    credit_column="Inn på konto",
    currency="NOK",
)

SPAREBANK1 = CsvMapping(
    code="sparebank1",
    name="SpareBank 1 (nettbank, CSV)",
    delimiter=";",
    encoding="utf-8-sig",
    fallback_encoding="cp1252",
    date_format="%d.%m.%Y",
    decimal_separator=",",
    thousands_separator=".",
    booking_date_column="Dato",
    value_date_column="Rentedato",
    text_columns=("Beskrivelse",),
    credit_column="Inn",
    debit_column="Ut",
    party_account_column="Fra konto",
    currency="NOK",
)

PAYPAL_EN = CsvMapping(
    code="paypal-en",
    name="PayPal activity (English)",
    delimiter=",",
    date_format="%m/%d/%Y",
    decimal_separator=".",
    thousands_separator=",",
    booking_date_column="Date",
    text_columns=("Description",),
    amount_column="Gross",
    fee_column="Fee",
    balance_column="Balance",
    currency_column="Currency",
    party_name_column="Name",
    party_account_column="From Email Address",
    reference_column="Invoice ID",
    transaction_id_column="Transaction ID",
)

PAYPAL_ES = CsvMapping(
    code="paypal-es",
    name="PayPal actividad (español)",
    delimiter=",",
    date_format="%d/%m/%Y",
    decimal_separator=",",
    thousands_separator=".",
    booking_date_column="Fecha",
    text_columns=("Descripción",),
    amount_column="Bruto",
    fee_column="Comisión",
    balance_column="Saldo",
    currency_column="Divisa",
    party_name_column="Nombre",
    party_account_column="Correo electrónico del remitente",
    reference_column="Id. de factura",
    transaction_id_column="Id. de transacción",
)

DCU = CsvMapping(
    code="dcu",
    name="Digital Federal Credit Union (US)",
    delimiter=",",
    date_format="%m/%d/%Y",
    decimal_separator=".",
    thousands_separator=",",
    booking_date_column="DATE",
    text_columns=("DESCRIPTION", "MEMO"),
    amount_column="AMOUNT",
    balance_column="CURRENT BALANCE",
    transaction_id_column="ID",
    currency="USD",
)

SCHWAB_CHECKING = CsvMapping(
    code="schwab-checking",
    name="Charles Schwab checking (US)",
    delimiter=",",
    # The first record is a title ("Transactions for Checking account ...").
    header_lines=2,
    date_format="%m/%d/%Y",
    decimal_separator=".",
    thousands_separator=",",
    booking_date_column="Date",
    text_columns=("Type", "Check #", "Description"),
    debit_column="Withdrawal (-)",
    credit_column="Deposit (+)",
    balance_column="RunningBalance",
    skip_sections=("Pending Transactions",),
    currency="USD",
)

VENMO = CsvMapping(
    code="venmo",
    name="Venmo statement (US)",
    delimiter=",",
    date_format="%Y-%m-%dT%H:%M:%S",
    decimal_separator=".",
    thousands_separator=",",
    booking_date_column="Datetime",
    text_columns=("Type", "Note", "From", "To"),
    amount_column="Amount (total)",
    opening_balance_column="Beginning Balance",
    closing_balance_column="Ending Balance",
    transaction_id_column="ID",
    currency="USD",
)

CSV_PRESETS: dict[str, CsvMapping] = {
    mapping.code: mapping
    for mapping in (DNB, SPAREBANK1, PAYPAL_EN, PAYPAL_ES, DCU, SCHWAB_CHECKING, VENMO)
}


def csv_preset(code: str) -> CsvMapping:
    """The preset with this code; KeyError names the known codes."""
    try:
        return CSV_PRESETS[code]
    except KeyError:
        raise KeyError(f"unknown CSV preset {code!r}; known: {', '.join(CSV_PRESETS)}") from None
