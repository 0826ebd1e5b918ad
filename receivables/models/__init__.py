"""The receivables model: setup, master data, ledgers, journals, documents (DESIGN.md section 4)."""
from __future__ import annotations

from .documents import (
    PostedSalesDocument,
    PostedSalesLine,
    SalesDocumentType,
    SalesHeader,
    SalesLine,
)
from .journal import GenJournalBatch, GenJournalLine, GenJournalTemplate, TemplateType
from .ledger import (
    BankAccountLedgerEntry,
    CheckLedgerEntry,
    CustLedgerEntry,
    DetailedCustLedgEntry,
    DetailedEntryType,
    DetailedVendorLedgEntry,
    DocumentType,
    GLEntry,
    GLRegister,
    StatementStatus,
    VendorLedgerEntry,
)
from .master import (
    AccountType,
    ApplicationMethod,
    BankAccount,
    BankAccountPostingGroup,
    Blocked,
    Customer,
    CustomerBankAccount,
    CustomerPostingGroup,
    GLAccount,
    MatchToleranceType,
    PaymentMethod,
    PaymentTerms,
    Vendor,
    VendorBankAccount,
    VendorPostingGroup,
)
from .setup import (
    ApplnBetweenCurrencies,
    CompanySetup,
    Currency,
    CurrencyExchangeRate,
    KidSetup,
    NoSeries,
    ReasonCode,
    SourceCode,
    TolerancePosting,
    UserSetup,
    increment_no,
)

__all__ = [
    "AccountType", "ApplicationMethod", "ApplnBetweenCurrencies", "BankAccount", "BankAccountLedgerEntry",
    "BankAccountPostingGroup", "Blocked", "CheckLedgerEntry", "CompanySetup", "Currency", "CurrencyExchangeRate",
    "CustLedgerEntry", "Customer", "CustomerBankAccount", "CustomerPostingGroup", "DetailedCustLedgEntry",
    "DetailedEntryType", "DetailedVendorLedgEntry", "DocumentType", "GLAccount", "GLEntry", "GLRegister",
    "GenJournalBatch", "GenJournalLine", "GenJournalTemplate", "KidSetup", "MatchToleranceType", "NoSeries",
    "PaymentMethod", "PaymentTerms", "PostedSalesDocument", "PostedSalesLine", "ReasonCode", "SalesDocumentType",
    "SalesHeader", "SalesLine", "SourceCode", "StatementStatus", "TemplateType", "TolerancePosting", "UserSetup",
    "Vendor", "VendorBankAccount", "VendorLedgerEntry", "VendorPostingGroup", "increment_no",
]
