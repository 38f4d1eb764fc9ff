import Foundation
import GantryCore

/// `GET /v1/groups/{group}/consolidation`: a group's figures in its presentation currency (minor units, debit
/// positive): each member translated with its rates and CTA, the eliminations with their source entries, and the
/// consolidated balances and statements.
public struct GroupConsolidation: Sendable, Equatable, Codable {
    /// One member translated.
    public struct Member: Sendable, Equatable, Codable {
        public var company: String
        public var functionalCurrency: String
        public var lines: [TranslationLine]
        public var cta: Int64
    }

    public var group: String
    public var presentationCurrency: String
    public var from: String
    public var to: String
    public var members: [Member]
    public var intercompanyLines: [IntercompanyLine]
    public var eliminations: [EliminationEntry]
    public var differences: [IntercompanyDifference]
    /// Translated balances plus eliminations, per account.
    public var balances: [AccountBalance]
    public var balanceSheet: BalanceSheet
    public var incomeStatement: IncomeStatement

    init(_ plan: LedgerConsolidation.Plan, _ consolidation: Consolidation) {
        group = consolidation.group
        presentationCurrency = consolidation.presentationCurrency.code
        from = plan.from
        to = plan.to
        members = consolidation.translations.map {
            Member(company: $0.company, functionalCurrency: $0.functionalCurrency.code, lines: $0.lines, cta: $0.cta)
        }
        intercompanyLines = consolidation.intercompanyLines
        eliminations = consolidation.elimination.entries
        differences = consolidation.elimination.differences
        balances = consolidation.balances
        balanceSheet = consolidation.balanceSheet
        incomeStatement = consolidation.incomeStatement
    }

    /// The consolidated balance of `account` (0 when it has none).
    public func balance(_ account: String) -> Int64 {
        balances.first { $0.account == account }?.amount ?? 0
    }

    /// `account,type,` one column per member, `eliminations,group`, in major units of the presentation currency.
    func csv() -> String {
        let exponent = CurrencyCode(code: presentationCurrency)?.minorUnitExponent ?? 2
        var text = CSV.line(["account", "type"] + members.map(\.company) + ["eliminations", "group"])
        var eliminated: [String: Int64] = [:]
        for line in eliminations.flatMap(\.lines) { eliminated[line.account, default: 0] += line.amount }
        for balance in balances {
            let perMember = members.map { member in
                member.lines.filter { $0.account == balance.account }.reduce(Int64(0)) { $0 + $1.amount }
            }
            text += CSV.line([balance.account, balance.type.rawValue] + perMember.map { MinorUnits.major($0, exponent) }
                + [MinorUnits.major(eliminated[balance.account] ?? 0, exponent), MinorUnits.major(balance.amount, exponent)])
        }
        return text
    }
}
