import Foundation
import GantryTestSupport
@testable import GantryCore
import Testing

/// The ledger as a beancount file and as CSV journal lines. Each file is also checked by beancount's own
/// `bean-check`: the one `GANTRY_BEAN_CHECK` names, else the one `provisioning/python-peers.sh` installs
/// (`make test` does) under `.build-venvs/beancount`.
@Suite struct BeancountTests {
    @Test func aCompanysEntriesBecomeABeancountFile() throws {
        let text = try Beancount.file(ConsolidationScenario.parentEntries, chart: ConsolidationScenario.chart, title: "P \"books\"")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "option \"title\" \"P \\\"books\\\"\"")
        #expect(lines.contains("option \"operating_currency\" \"EUR\""))
        let opens = lines.filter { $0.contains(" open ") }
        #expect(opens == ["1200", "1410", "1420", "1450", "2100", "4100", "5100", "5300"].map { code in
            let root = ["1": "Assets", "2": "Liabilities", "4": "Income", "5": "Expenses"][String(code.prefix(1))]!
            return "2026-11-02 open \(root):\(code)"
        })
        #expect(text.contains("""
            2026-11-10 * "intercompany-sale event:p-ic-sale:0"
              source: "event:p-ic-sale:0"
              kind: "intercompany-sale"
              company: "P"
              period: "2026-11"
              plant: "P-1"
              sequence: "1"
              Assets:1200  12000.00 EUR
              Income:4100  -12000.00 EUR
            """))
        #expect(lines.filter { $0.hasPrefix("2026-") && $0.contains(" * ") }.count == ConsolidationScenario.parentEntries.count)
        try check(text, name: "parent")
    }

    @Test func entriesInAnotherTransactionCurrencyNameItAndPostFunctionalAmounts() throws {
        let text = try Beancount.file(ConsolidationScenario.subsidiaryEntries, chart: ConsolidationScenario.chart)
        #expect(text.contains("option \"operating_currency\" \"PLN\""))
        #expect(text.contains("  transaction-currency: \"EUR\"\n  Assets:1430  51600.00 PLN\n  Liabilities:2200  -51600.00 PLN\n"))
        try check(text, name: "subsidiary")
    }

    /// Account codes and the beancount component each becomes.
    @Test(arguments: [("1400", "1400"), ("Inventory", "Inventory"), ("ic.recv", "Xic-recv"), ("14 00/A", "14-00-A"), ("Ümlaut", "X-mlaut"), ("-x", "X-x")])
    func codesBecomeValidAccountNames(code: String, component: String) {
        #expect(BeancountNames.component(code) == component)
    }

    @Test func codesThatComeOutTheSameAreToldApart() throws {
        let chart = [StatementAccount(account: "a.b", type: .asset), StatementAccount(account: "a-b", type: .asset),
                     StatementAccount(account: "3000", type: .equity)]
        let entry = ConsolidationScenario.entry("P", "x", .inventoryAdjustment, "2026-11-01", [
            ConsolidationScenario.line("a.b", 1), ConsolidationScenario.line("a-b", 1), ConsolidationScenario.line("3000", -2)])
        let text = try Beancount.file([entry], chart: chart)
        #expect(text.contains("open Assets:Xa-b\n") && text.contains("open Assets:Xa-b-2\n"))
        try check(text, name: "collisions")
    }

    @Test(arguments: ["mixed currencies", "account not in chart"])
    func whatCannotBeWrittenIsRefused(kase: String) {
        var entries = ConsolidationScenario.parentEntries
        if kase == "mixed currencies" { entries += ConsolidationScenario.subsidiaryEntries } else { entries[0].lines[0].account = "9999" }
        #expect(throws: AccountingRefusal.self) { try Beancount.file(entries, chart: ConsolidationScenario.chart) }
    }

    @Test func journalLinesBecomeCSVRows() throws {
        let text = Beancount.journalLinesCSV(ConsolidationScenario.subsidiaryEntries)
        let rows = try CSV.rows(text)
        #expect(rows.first?.fields == Beancount.journalCSVHeader)
        #expect(rows.count == 1 + ConsolidationScenario.subsidiaryEntries.reduce(0) { $0 + $1.lines.count })
        #expect(rows[1].fields == ["S", "event:s-ic-purchase:0", "intercompany-purchase", "2026-11-10", "2026-11", "", "1430", "12000.00", "EUR",
                                   "51600.00", "PLN", "WIDGET", "600", "P", "", ""])
        #expect(rows[2].fields[7] == "-12000.00" && rows[2].fields[9] == "-51600.00")
    }

    /// The `bean-check` to run.
    static var beanCheck: String {
        if let named = ProcessInfo.processInfo.environment["GANTRY_BEAN_CHECK"], !named.isEmpty { return named }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build-venvs/beancount/bin/bean-check").path
    }

    /// Writes `text` to a temporary directory and runs `bean-check` on it there.
    private func check(_ text: String, name: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-beancount-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("\(name).beancount")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let checker = Self.beanCheck
        guard FileManager.default.isExecutableFile(atPath: checker) else {
            Issue.record("no bean-check at \(checker): run provisioning/python-peers.sh (make test does)")
            return
        }
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: checker)
        process.arguments = [file.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "bean-check refused \(name): \(output)")
    }
}
