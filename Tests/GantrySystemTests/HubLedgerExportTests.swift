import Foundation
import GantryTestSupport
import GantryCore
@testable import GantryHub
import Testing

extension HubAccessTests {
    /// The ledger reports of company LEDG (no postings: empty but answered) for the every-role test.
    func statementSamples(for role: Role) -> [Sample] {
        let period = "P-\(role.rawValue)", range = "company=LEDG&from=P-\(role.rawValue)&to=P-\(role.rawValue)"
        return [
            Sample(endpoint: .balanceSheet, method: "GET", path: "/v1/ledger/balance-sheet?company=LEDG&at=\(period)"),
            Sample(endpoint: .balanceSheetCSV, method: "GET", path: "/v1/ledger/balance-sheet.csv?company=LEDG&at=\(period)"),
            Sample(endpoint: .incomeStatement, method: "GET", path: "/v1/ledger/income-statement?\(range)"),
            Sample(endpoint: .incomeStatementCSV, method: "GET", path: "/v1/ledger/income-statement.csv?\(range)"),
            Sample(endpoint: .inventoryReconciliation, method: "GET", path: "/v1/ledger/reconciliation?company=LEDG&at=\(period)"),
            Sample(endpoint: .margin, method: "GET", path: "/v1/ledger/margin?\(range)&by=customer"),
            Sample(endpoint: .workingCapital, method: "GET", path: "/v1/ledger/working-capital?company=LEDG&at=\(period)"),
            Sample(endpoint: .inventoryReconciliationCSV, method: "GET", path: "/v1/ledger/reconciliation.csv?company=LEDG&at=\(period)"),
            Sample(endpoint: .marginCSV, method: "GET", path: "/v1/ledger/margin.csv?\(range)&by=customer"),
            Sample(endpoint: .workingCapitalCSV, method: "GET", path: "/v1/ledger/working-capital.csv?company=LEDG&at=\(period)"),
            Sample(endpoint: .ledgerExportBeancount, method: "GET", path: "/v1/ledger/export.beancount?\(range)"),
            Sample(endpoint: .ledgerExportCSV, method: "GET", path: "/v1/ledger/export.csv?\(range)"),
        ]
    }
}

/// The ledger's reports over HTTP: a posted scenario's beancount export passes the real `bean-check`, the statements
/// answer in JSON and CSV, and each report keeps to the principal's companies and answers bad input with a problem.
@Suite struct HubLedgerExportTests {
    /// ACME's books (EUR, standard cost RM 3.00, FG 15.00) and, at ACME-BER: 40 RM received at 3.00, 20 issued to WO-1,
    /// 4 FG output, 1 FG shipped to CUST1 at 25.00.
    static func post(_ hub: HubFixture) async throws {
        try await HubAccessTests.seed(hub)
        let records = [
            #"{"kind":"item","company":"ACME","key":"RM","data":{"description":"Raw","uom":"EA","tracking":"none"}}"#,
            #"{"kind":"item","company":"ACME","key":"FG","data":{"description":"Finished","uom":"EA","tracking":"none"}}"#,
            #"{"kind":"item-cost","company":"ACME","key":"RM","data":{"standardCost":{"amount":"3.00","currency":"EUR"}}}"#,
            #"{"kind":"item-cost","company":"ACME","key":"FG","data":{"standardCost":{"amount":"15.00","currency":"EUR"}}}"#,
            #"{"kind":"account","company":"ACME","key":"1200","data":{"name":"Receivables","type":"asset"}}"#,
            #"{"kind":"account","company":"ACME","key":"1300","data":{"name":"WIP","type":"asset"}}"#,
            #"{"kind":"account","company":"ACME","key":"1410","data":{"name":"Finished goods","type":"asset","parent":"1400"}}"#,
            #"{"kind":"account","company":"ACME","key":"2100","data":{"name":"GRNI","type":"liability"}}"#,
            #"{"kind":"account","company":"ACME","key":"4000","data":{"name":"Revenue","type":"revenue"}}"#,
            #"{"kind":"account","company":"ACME","key":"5000","data":{"name":"Cost of sales","type":"expense"}}"#,
            #"{"kind":"account-mapping","company":"ACME","key":"receipt","data":{"debit":"1400","credit":"2100"}}"#,
            #"{"kind":"account-mapping","company":"ACME","key":"issue-to-production","data":{"debit":"1300","credit":"1400"}}"#,
            #"{"kind":"account-mapping","company":"ACME","key":"production-output","data":{"debit":"1410","credit":"1300"}}"#,
            #"{"kind":"account-mapping","company":"ACME","key":"cost-of-sales","data":{"debit":"5000","credit":"1410"}}"#,
            #"{"kind":"account-mapping","company":"ACME","key":"revenue","data":{"debit":"1200","credit":"4000"}}"#,
            #"{"kind":"fiscal-period","company":"ACME","key":"2026-01","data":{"start":"2026-01-01","end":"2026-01-31","fiscalYear":"FY2026"}}"#,
            #"{"kind":"fiscal-period","company":"ACME","key":"2026-02","data":{"start":"2026-02-01","end":"2026-02-28","fiscalYear":"FY2026"}}"#,
        ]
        let changes = try MasterChangeSet.read(Data(#"{"records":[\#(records.joined(separator: ","))]}"#.utf8))
        _ = try await MasterService(store: hub.store).commit(changes.records, by: .local(), summary: "books")
        _ = try await hub.enrol("BER")
        let order = MoveReference(kind: .workOrder, id: "WO-1")
        func move(_ kind: MoveKind, _ item: String, _ quantity: Int64, from: String? = nil, to: String? = nil,
                  _ reference: MoveReference?) -> StockMoved {
            StockMoved(moveId: UUID(), kind: kind, item: item, lot: nil, serial: nil, expiry: nil, quantity: Quantity(quantity), uom: "EA",
                       from: from, to: to, reference: reference, scan: nil, reason: nil)
        }
        let facts: [(String, any PlantEvent)] = [
            ("2026-01-05T08:00:00Z", PurchaseOrderPlaced(order: "PO-1", supplier: "S1", lines: [
                PurchaseOrderLine(line: 1, item: "RM", quantity: Quantity(100), tolerancePercent: .zero, due: "2026-02-28", price: "3.00",
                                  currency: "EUR"),
            ])),
            ("2026-01-10T09:00:00Z", move(.receipt, "RM", 40, to: "A1", MoveReference(kind: .purchaseOrderLine, id: "PO-1/1"))),
            ("2026-01-12T09:00:00Z", move(.issue, "RM", 20, from: "A1", order)),
            ("2026-01-15T09:00:00Z", move(.output, "FG", 4, to: "A2", order)),
            ("2026-02-03T09:00:00Z", move(.shipment, "FG", 1, from: "A2", nil)),
            ("2026-02-03T09:00:00Z", ShipmentDispatched(
                shipment: "SH-1", kind: .customerOrder, order: "SO-1", customer: "CUST1", toPlant: nil, company: "ACME", tradingPartner: nil,
                carrier: "DHL", trackingReference: "1Z", units: [],
                lines: [ShipmentDispatched.Line(line: 1, item: "FG", quantity: Quantity(1), price: Money(amount: 25, currency: .EUR))],
                backorders: [])),
        ]
        let events = try facts.enumerated().map { index, fact in
            let at = Timestamp.parse(fact.0)!
            return EventEnvelope(
                sequence: Int64(index + 1), id: UUID(), type: type(of: fact.1).eventType, schemaVersion: 1, occurredAt: at, recordedAt: at,
                payload: try JSONValue.parse(try fact.1.payloadJSON()))
        }
        _ = try await hub.store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: Int64(events.count), events: events),
                                           receivedAt: Timestamp.parse("2026-02-04T00:00:00Z")!)
    }

    @Test func thePostedScenariosBeancountExportPassesBeanCheck() async throws {
        try await withHub { hub in
            try await Self.post(hub)
            let auditor = try await hub.administration.addPrincipal(name: "aud", role: .auditor, companies: .only(["ACME"]))
            #expect(try await hub.store.heldPostings(company: "ACME", scope: .all).isEmpty)
            let export = try await HTTP.request("GET", "\(hub.url)/v1/ledger/export.beancount?company=ACME&from=2026-01&to=2026-02", token: auditor)
            #expect(export.status == 200, "\(export.text)")
            // Receipt, issue, output, cost of sales and revenue: five transactions.
            #expect(export.text.components(separatedBy: " * \"").count - 1 == 5, "\(export.text)")
            #expect(export.text.contains("Income:4000  -25.00 EUR") && export.text.contains("Expenses:5000  15.00 EUR"), "\(export.text)")
            try Self.beanCheck(export.text)
            let csv = try await HTTP.request("GET", "\(hub.url)/v1/ledger/export.csv?company=ACME&from=2026-02&to=2026-02", token: auditor)
            #expect(csv.status == 200 && csv.contentType?.hasPrefix("text/csv") == true)
            #expect(csv.text.contains(",revenue,2026-02-03,2026-02,,4000,-25.00,EUR,-25.00,EUR,FG,,,CUST1,"), "\(csv.text)")
            #expect(!csv.text.contains(",receipt,"), "January's entries are not in February's export")
            // Assets 60.00 + 45.00 + 25.00 = 130.00 = GRNI 120.00 + earnings 10.00.
            let sheet = try await HTTP.request("GET", "\(hub.url)/v1/ledger/balance-sheet?company=ACME&at=2026-02", token: auditor)
            let report = try sheet.json()
            #expect(report["totalAssets"] as? Int == 13_000 && report["totalLiabilities"] as? Int == 12_000, "\(sheet.text)")
            #expect(report["totalEquity"] as? Int == 1_000 && report["balanced"] as? Bool == true, "\(sheet.text)")
            let income = try await HTTP.request("GET", "\(hub.url)/v1/ledger/income-statement.csv?company=ACME&from=2026-01&to=2026-02", token: auditor)
            #expect(income.text.contains("revenue,4000,revenue,,0,25.00,25.00") && income.text.contains("total,result,,,,,10.00"), "\(income.text)")
            let reconciliation = try await HTTP.request("GET", "\(hub.url)/v1/ledger/reconciliation?company=ACME&at=2026-02", token: auditor)
            let matched = try reconciliation.json()
            #expect(matched["stockValue"] as? Int == 10_500 && matched["difference"] as? Int == 0, "\(reconciliation.text)")
            #expect(matched["matches"] as? Bool == true, "\(reconciliation.text)")
            let margin = try await HTTP.request("GET", "\(hub.url)/v1/ledger/margin?company=ACME&from=2026-02&to=2026-02&by=customer", token: auditor)
            let rows = try margin.json()["rows"] as? [[String: Any]]
            #expect(rows?.map { $0["key"] as? String } == ["CUST1"] && rows?.first?["margin"] as? Int == 1_000, "\(margin.text)")
            try await Self.expectReportsAsCSV(hub, token: auditor)
        }
    }

    /// The reconciliation, margin and working capital of February as CSV, worked out by hand from the scenario: RM 40
    /// received − 20 issued = 20 at 3.00 = 60.00 on 1400; FG 4 output − 1 shipped = 3 at 15.00 = 45.00 on 1410. GRNI
    /// 40 × 3.00 = 120.00 on 2100, the receivable 25.00 on 1200, no payables: 105.00 + 25.00 − 120.00 = 10.00. CUST1
    /// bought 1 FG at 25.00 that cost 15.00.
    static func expectReportsAsCSV(_ hub: HubFixture, token: String) async throws {
        let reconciliation = try await HTTP.request("GET", "\(hub.url)/v1/ledger/reconciliation.csv?company=ACME&at=2026-02", token: token)
        #expect(reconciliation.status == 200 && reconciliation.contentType?.hasPrefix("text/csv") == true, "\(reconciliation.text)")
        #expect(reconciliation.text == """
            section,key,quantity,value,detail
            item,FG,3,45.00,standard
            item,RM,20,60.00,standard
            total,stock-value,,105.00,
            total,ledger-value,,105.00,
            total,difference,,0.00,
            total,late-value,,0.00,
            total,in-transit-value,,0.00,
            total,matches,,,true

            """.replacingOccurrences(of: "\n", with: "\r\n"), "\(reconciliation.text)")
        let margin = try await HTTP.request("GET", "\(hub.url)/v1/ledger/margin.csv?company=ACME&from=2026-02&to=2026-02&by=customer", token: token)
        #expect(margin.text == "customer,intercompany,revenue,cost_of_sales,margin\r\nCUST1,false,25.00,15.00,10.00\r\ntotal,,25.00,15.00,10.00\r\n",
                "\(margin.text)")
        let capital = try await HTTP.request("GET", "\(hub.url)/v1/ledger/working-capital.csv?company=ACME&at=2026-02", token: token)
        #expect(capital.text.contains("inventory,1400 1410,105.00\r\n") && capital.text.contains("goods-received-not-invoiced,2100,120.00\r\n"),
                "\(capital.text)")
        #expect(capital.text.contains("receivables,1200,25.00\r\n") && capital.text.hasSuffix("working-capital,,10.00\r\n"), "\(capital.text)")
    }

    @Test func theReportsKeepToThePrincipalsCompaniesAndBadInputIsAProblem() async throws {
        try await withHub { hub in
            try await Self.post(hub)
            let other = try await hub.administration.addPrincipal(name: "oth", role: .controller, companies: .only(["OTHER"]))
            let mine = try await hub.administration.addPrincipal(name: "ctl", role: .controller, companies: .only(["ACME"]))
            for path in [
                "balance-sheet?company=ACME&at=2026-01", "income-statement.csv?company=ACME&from=2026-01&to=2026-01",
                "reconciliation?company=ACME&at=2026-01", "margin?company=ACME&from=2026-01&to=2026-01",
                "working-capital?company=ACME&at=2026-01", "export.beancount?company=ACME&from=2026-01&to=2026-01",
                "export.csv?company=ACME&from=2026-01&to=2026-01",
            ] {
                let answer = try await HTTP.request("GET", "\(hub.url)/v1/ledger/\(path)", token: other)
                #expect(answer.status == 404 && answer.contentType == "application/problem+json", "\(path): \(answer.status) \(answer.text)")
            }
            for (path, status) in [
                ("balance-sheet?company=ACME", 400), ("balance-sheet?at=2026-01", 400), ("balance-sheet?company=acme!&at=2026-01", 400),
                ("balance-sheet?company=ACME&at=2025-12", 422), ("income-statement?company=ACME&from=2026-02&to=2026-01", 422),
                ("margin?company=ACME&from=2026-01&to=2026-01&by=colour", 400), ("working-capital?company=ACME&at=", 400),
                ("export.csv?company=ACME&from=2026-01", 400), ("balance-sheet?company=NOBOOKS&at=2026-01", 404),
            ] {
                let answer = try await HTTP.request("GET", "\(hub.url)/v1/ledger/\(path)", token: mine)
                #expect(answer.status == status && answer.contentType == "application/problem+json", "\(path): \(answer.status) \(answer.text)")
            }
        }
    }

    /// Writes `text` to a temporary file and runs the real `bean-check` on it; fails when it refuses or is missing.
    static func beanCheck(_ text: String) throws {
        let checker: String
        if let named = ProcessInfo.processInfo.environment["GANTRY_BEAN_CHECK"], !named.isEmpty {
            checker = named
        } else {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            checker = root.appendingPathComponent(".build-venvs/beancount/bin/bean-check").path
        }
        guard FileManager.default.isExecutableFile(atPath: checker) else {
            Issue.record("no bean-check at \(checker): run provisioning/python-peers.sh (make test does)")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("acme.beancount")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: checker)
        process.arguments = [file.path]
        let output = Pipe()
        process.standardError = output
        process.standardOutput = output
        try process.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "bean-check refused the hub's export: \(said)\n\(text)")
    }
}
