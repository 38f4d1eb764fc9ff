import Foundation
import GantryCore
import Hummingbird

/// The ledger's routes (docs/http-api.md, "Ledger"): journal, trial balance, held postings and fiscal periods, each
/// of one company the principal may see (another company's ledger is not found, as if it did not exist).
extension HubAPI {
    func respondLedger(to endpoint: HubEndpoint, query: Parameters, context: BasicRequestContext, caller: Caller) async throws -> Response {
        let actor = try caller.actor()
        switch endpoint {
        case .ledgerEntries:
            return try jsonResponse(try await ledgerEntries(query, scope: actor.companies))
        case .ledgerEntriesCSV:
            return textResponse(try await ledgerEntriesCSV(query, scope: actor.companies), contentType: "text/csv; charset=utf-8")
        case .trialBalance:
            return try jsonResponse(try await trialBalance(query, scope: actor.companies))
        case .trialBalanceCSV:
            return textResponse(try await trialBalance(query, scope: actor.companies).csv(), contentType: "text/csv; charset=utf-8")
        case .heldPostings:
            return try jsonResponse(try await heldPostings(query, scope: actor.companies))
        case .heldRetry:
            return try jsonResponse(try await retryHeld(query, actor: actor))
        case .periodList:
            return try jsonResponse(try await periodList(query, scope: actor.companies))
        default:
            return try jsonResponse(try await closePeriod(
                company: try parameter("company", context), period: try parameter("period", context), actor: actor))
        }
    }

    /// `GET /v1/ledger/entries?company=&from=&to=&account=&offset=&limit=`.
    func ledgerEntries(_ query: Parameters, scope: CompanyScope) async throws -> JournalPage {
        try await store.journalEntries(try journalQuery(query, scope: scope))
    }

    /// `GET /v1/ledger/entries.csv?company=&from=&to=&account=`: every matching line, one row each.
    func ledgerEntriesCSV(_ query: Parameters, scope: CompanyScope) async throws -> String {
        var request = try journalQuery(query, scope: scope)
        request.offset = 0
        request.limit = 1000
        var text = CSV.line([
            "company", "posting_date", "period", "source", "kind", "plant", "sequence", "line", "account", "amount", "currency",
            "functional_amount", "functional_currency", "item", "quantity", "trading_partner", "customer", "original_date", "note",
        ])
        while true {
            let page = try await store.journalEntries(request)
            for entry in page.entries {
                let exponent = CurrencyCode(code: entry.transactionCurrency)?.minorUnitExponent ?? 2
                let functional = CurrencyCode(code: entry.functionalCurrency)?.minorUnitExponent ?? 2
                for (number, line) in entry.lines.enumerated() {
                    text += CSV.line([
                        entry.company, entry.postingDate, entry.period, entry.sourceKey, entry.kind, entry.plant ?? "",
                        entry.sequence.map(String.init) ?? "", "\(number + 1)", line.account, MinorUnits.major(line.amount, exponent),
                        entry.transactionCurrency, MinorUnits.major(line.functionalAmount, functional), entry.functionalCurrency,
                        line.item ?? "", line.quantity.map { "\(Quantity(micro: $0))" } ?? "", line.tradingPartner ?? "", line.customer ?? "",
                        entry.originalDate ?? "", entry.note ?? "",
                    ])
                }
            }
            guard let next = page.next else { return text }
            request.offset = next
        }
    }

    /// `GET /v1/ledger/trial-balance?company=&from=PERIOD&to=PERIOD`.
    func trialBalance(_ query: Parameters, scope: CompanyScope) async throws -> TrialBalanceReport {
        let company = try ledgerCompany(query, scope: scope)
        let from = try periodCode(query, "from"), to = try periodCode(query, "to")
        return try await store.trialBalance(company: company, from: from, to: to)
    }

    /// `GET /v1/ledger/held?company=`: one company's, or every company the principal sees.
    func heldPostings(_ query: Parameters, scope: CompanyScope) async throws -> [HeldPostingRecord] {
        let company = query["company"] == nil ? nil : try ledgerCompany(query, scope: scope)
        return try await store.heldPostings(company: company, scope: scope)
    }

    /// `POST /v1/ledger/held/retry?company=`.
    func retryHeld(_ query: Parameters, actor: Actor) async throws -> LedgerRetryOutcome {
        let company = query["company"] == nil ? nil : try ledgerCompany(query, scope: actor.companies)
        return try await store.retryHeldPostings(company: company, scope: actor.companies, at: now())
    }

    /// `GET /v1/ledger/periods?company=`.
    func periodList(_ query: Parameters, scope: CompanyScope) async throws -> [FiscalPeriodStatus] {
        try await store.fiscalPeriods(company: try ledgerCompany(query, scope: scope))
    }

    /// `POST /v1/ledger/periods/{company}/{period}/close`: audited; refused while plants may owe events for it.
    func closePeriod(company: String, period: String, actor: Actor) async throws -> FiscalPeriodStatus {
        guard let code = try? PlantIdentity(company: company, code: "0").company, code == company, actor.companies.mayChange(code),
              MasterKey.problem(period) == nil else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no period \(period) of company \(company)")
        }
        let audit = AuditDraft(actor: actor.name, action: "period.closed", subject: "period \(company)/\(period)", company: company,
                               before: nil, after: nil)
        do {
            return try await store.closePeriod(company: company, period: period, at: now(), audit: audit)
        } catch let refusal as AccountingRefusal where refusal.code == .invalid {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: refusal.detail)
        }
    }

    /// The `company` a ledger query names, required: outside the principal's companies it is not found.
    func ledgerCompany(_ query: Parameters, scope: CompanyScope) throws -> String {
        guard let text = query["company"].map(String.init) else { throw invalidQuery("company", "company is required") }
        guard let code = try? PlantIdentity(company: text, code: "0").company, code == text else {
            throw invalidQuery("company", "company is a company code of 1 to 16 letters or digits, got \"\(text)\"")
        }
        guard scope.covers(code) else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no company \(code)")
        }
        return code
    }

    /// A fiscal period code the query names under `name`, required.
    func periodCode(_ query: Parameters, _ name: String) throws -> String {
        guard let text = query[Substring(name)].map(String.init) else { throw invalidQuery(name, "\(name) is required: a fiscal period") }
        if let problem = MasterKey.problem(text) { throw invalidQuery(name, "\(name): \(problem)") }
        return text
    }

    private func journalQuery(_ query: Parameters, scope: CompanyScope) throws -> JournalQuery {
        let company = try ledgerCompany(query, scope: scope)
        var days: [String: String] = [:]
        for name in ["from", "to"] {
            guard let text = query[Substring(name)].map(String.init) else { continue }
            guard DemandInstruction.day(text) != nil else { throw invalidQuery(name, "\(name) is a date YYYY-MM-DD, got \"\(text)\"") }
            days[name] = text
        }
        let account = try codeFilter(query, "account")
        let offset = Int(try integer(query, "offset", range: 0...10_000_000) ?? 0)
        let limit = Int(try integer(query, "limit", range: 1...1000) ?? 100)
        return JournalQuery(company: company, from: days["from"], to: days["to"], account: account, offset: offset, limit: limit)
    }
}
