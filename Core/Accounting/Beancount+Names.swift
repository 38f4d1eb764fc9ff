import Foundation

/// Account codes made beancount account names: the root of the account's type, then the code with every
/// character beancount does not allow in a name (letters, digits and `-`) as `-`, and a leading `X` where the
/// code does not start with a capital letter or a digit (`1400` → `Assets:1400`, `ic.recv` → `Assets:Xic-recv`).
/// Two codes that come out the same are told apart by a suffix (`-2`, `-3`, in code order).
struct BeancountNames {
    /// The accounts the entries use, sorted.
    private(set) var used: [String] = []
    private var names: [String: String] = [:]

    init(entries: [JournalEntry], chart: [StatementAccount]) throws(AccountingRefusal) {
        let types = Dictionary(chart.map { ($0.account, $0.type) }, uniquingKeysWith: { first, _ in first })
        used = Set(entries.flatMap { $0.lines.map(\.account) }).sorted()
        var taken: Set<String> = []
        for account in used {
            guard let type = types[account] else {
                throw AccountingRefusal(.invalid, "account \(account) is used but not in the chart, so its beancount root is unknown")
            }
            let base = "\(Self.root(type)):\(Self.component(account))"
            var name = base, suffix = 2
            while taken.contains(name) {
                name = "\(base)-\(suffix)"
                suffix += 1
            }
            taken.insert(name)
            names[account] = name
        }
    }

    func name(of account: String) -> String { names[account]! }

    static func root(_ type: AccountMaster.AccountType) -> String {
        switch type {
        case .asset: "Assets"
        case .liability: "Liabilities"
        case .equity: "Equity"
        case .revenue: "Income"
        case .expense: "Expenses"
        }
    }

    /// `code` as one component of a beancount account name.
    static func component(_ code: String) -> String {
        let allowed = code.map { character -> Character in
            character.isASCII && (character.isLetter || character.isNumber) ? character : "-"
        }
        let text = String(allowed)
        guard let first = text.first, first.isUppercase || first.isNumber else { return "X" + text }
        return text
    }
}
