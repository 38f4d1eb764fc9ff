import Foundation
import GantryCore
@testable import GantryHub
import Testing

extension HubAccessTests {
    /// ACME's books for supplier invoices (AP, GRNI, price variance, January 2026), plant ACME-INV with PO-9 line 1
    /// (100 BOLT at 1.00 EUR from S1, all received), and per role an invoice held for its price (1 at 2.00)
    /// entered by someone else, for the role to release.
    static func seedInvoices(_ hub: HubFixture) async throws {
        let books = try MasterChangeSet.read(Data("""
            {"records":[
              {"kind":"account","company":"ACME","key":"2000","data":{"name":"AP","type":"liability"}},
              {"kind":"account","company":"ACME","key":"2100","data":{"name":"GRNI","type":"liability"}},
              {"kind":"account","company":"ACME","key":"5200","data":{"name":"IPV","type":"expense"}},
              {"kind":"account-mapping","company":"ACME","key":"supplier-invoice","data":{"debit":"2100","credit":"2000"}},
              {"kind":"account-mapping","company":"ACME","key":"invoice-price-variance","data":{"debit":"5200","credit":"2000"}},
              {"kind":"fiscal-period","company":"ACME","key":"2026-01","data":{"start":"2026-01-01","end":"2026-01-31","fiscalYear":"FY2026"}}
            ]}
            """.utf8))
        _ = try await MasterService(store: hub.store).commit(books.records, by: .local(), summary: "invoice books")
        let at = Timestamp.parse("2026-01-10T10:00:00Z")!
        try await receiveOrder(hub, plant: "INV", order: "PO-9", quantity: 100, price: "1.00", currency: "EUR", at: at)
        let held = Role.allCases.map { role in
            SupplierInvoiceRequest(
                company: "ACME", supplier: "S1", number: "REL-\(role.rawValue)", date: "2026-01-20", currency: "EUR",
                lines: [SupplierInvoiceRequest.Line(plant: "ACME-INV", orderLine: "PO-9/1", quantity: "1", unitPrice: "2.00")], charges: [])
        }
        _ = try await hub.store.submitInvoices(held, enteredBy: "someone-else", at: at)
    }

    /// Enrols ACME's plant `plant`, which places `order` line 1 (`quantity` BOLT at `price` from S1) and receives all of
    /// it at `at`.
    static func receiveOrder(_ hub: HubFixture, plant: String, order: String, quantity: Int64, price: String, currency: String,
                             at: Date) async throws {
        _ = try await hub.enrol(plant)
        let events: [any PlantEvent] = [
            PurchaseOrderPlaced(order: order, supplier: "S1", lines: [
                PurchaseOrderLine(line: 1, item: "BOLT", quantity: Quantity(quantity), tolerancePercent: .zero, due: "2026-01-31", price: price,
                                  currency: currency),
            ]),
            StockMoved(moveId: UUID(), kind: .receipt, item: "BOLT", lot: "L9", serial: nil, expiry: nil, quantity: Quantity(quantity), uom: "EA",
                       from: nil, to: "RECV", reference: MoveReference(kind: .purchaseOrderLine, id: "\(order)/1"), scan: nil, reason: nil),
        ]
        let envelopes = try events.enumerated().map { index, event in
            EventEnvelope(
                sequence: Int64(index + 1), id: UUID(), type: type(of: event).eventType, schemaVersion: 1, occurredAt: at, recordedAt: at,
                payload: try JSONValue.parse(try event.payloadJSON()))
        }
        _ = try await hub.store.applyBatch(SyncBatch(plant: "ACME-\(plant)", agentHead: 2, events: envelopes), receivedAt: at)
    }

    func invoiceSamples(for role: Role, unique: String) -> [Sample] {
        [
            Sample(endpoint: .invoiceSubmit, method: "POST", path: "/v1/invoices", body: """
                {"company":"ACME","supplier":"S1","number":"NEW-\(unique)","date":"2026-01-21","currency":"EUR",
                 "lines":[{"plant":"ACME-INV","orderLine":"PO-9/7","quantity":"1","unitPrice":"1.00"}]}
                """),
            Sample(endpoint: .invoiceImport, method: "POST", path: "/v1/invoices/import", body: """
                company,supplier,number,date,currency,plant,order_line,quantity,unit_price
                ACME,S1,IMP-\(unique),2026-01-21,EUR,ACME-INV,PO-9/7,1,1.00

                """, contentType: "text/csv"),
            Sample(endpoint: .invoiceList, method: "GET", path: "/v1/invoices?company=ACME&status=held"),
            Sample(endpoint: .invoiceRead, method: "GET", path: "/v1/invoices/ACME/S1/REL-\(role.rawValue)"),
            Sample(endpoint: .invoiceRelease, method: "POST", path: "/v1/invoices/ACME/S1/REL-\(role.rawValue)/release"),
            Sample(endpoint: .grniAgeing, method: "GET", path: "/v1/ledger/grni-ageing?company=ACME&at=2026-01-31"),
            Sample(endpoint: .grniAgeingCSV, method: "GET", path: "/v1/ledger/grni-ageing.csv?company=ACME&at=2026-01-31"),
            Sample(endpoint: .openInvoices, method: "GET", path: "/v1/ledger/open-invoices?company=ACME"),
            Sample(endpoint: .openInvoicesCSV, method: "GET", path: "/v1/ledger/open-invoices.csv?company=ACME"),
        ]
    }
}

/// Supplier invoices over HTTP: the CSV import stores good files whole and refuses a bad row naming it, and every
/// route keeps to the principal's companies.
@Suite struct HubInvoiceAccessTests {
    static let header = "company,supplier,number,date,currency,plant,order_line,quantity,unit_price,charge_kind,charge_amount,charge_rule\n"

    @Test func aCSVImportStoresEveryInvoiceOrRefusesABadRowNamingIt() async throws {
        try await withHub { hub in
            try await HubAccessTests.seed(hub)
            try await HubAccessTests.seedInvoices(hub)
            let buyer = try await hub.administration.addPrincipal(name: "buy", role: .buyer, companies: .only(["ACME"]))
            let controller = try await hub.administration.addPrincipal(name: "ctl", role: .controller, companies: .only(["ACME"]))
            // Row 3 of the bad file (the header is row 1): a quantity that is not a number; nothing of the file is stored.
            let bad = Self.header + "ACME,S1,C-1,2026-01-21,EUR,ACME-INV,PO-9/1,10,1.00,,,\nACME,S1,C-2,2026-01-21,EUR,ACME-INV,PO-9/1,ten,1.00,,,\n"
            let refused = try await HTTP.request("POST", "\(hub.url)/v1/invoices/import", token: buyer, body: Data(bad.utf8), contentType: "text/csv")
            #expect(refused.status == 422, "\(refused.text)")
            #expect(refused.contentType == "application/problem+json")
            let problem = try refused.json()
            #expect(problem["field"] as? String == "quantity")
            #expect((problem["errors"] as? [[String: Any]])?.first?["line"] as? Int == 3)
            #expect(try await hub.store.supplierInvoice(company: "ACME", supplier: "S1", number: "C-1") == nil)
            // C-1: 10 at 1.00 matches; C-2: 5 at 1.50 is 50 % over and held; C-1's second row is a freight charge.
            let good = Self.header + """
                ACME,S1,C-1,2026-01-21,EUR,ACME-INV,PO-9/1,10,1.00,,,
                ACME,S1,C-2,2026-01-21,EUR,ACME-INV,PO-9/1,5,1.50,,,

                """
            let imported = try await HTTP.request("POST", "\(hub.url)/v1/invoices/import", token: buyer, body: Data(good.utf8), contentType: "text/csv")
            #expect(imported.status == 200, "\(imported.text)")
            let outcome = try imported.decode(InvoiceImportOutcome.self)
            #expect(outcome.invoices.map(\.invoice.number) == ["C-1", "C-2"])
            #expect(outcome.invoices.map(\.invoice.status) == ["posted", "held"])
            #expect(outcome.invoices.map(\.created) == [true, true])
            let again = try await HTTP.request("POST", "\(hub.url)/v1/invoices/import", token: buyer, body: Data(good.utf8), contentType: "text/csv")
            #expect(try again.decode(InvoiceImportOutcome.self).invoices.map(\.created) == [false, false])
            let open = try await HTTP.request("GET", "\(hub.url)/v1/ledger/open-invoices.csv?company=ACME", token: controller)
            #expect(open.text.contains("S1,C-1,2026-01-21,2026-01-21,10.00,EUR"), "\(open.text)")
            // The buyer entered C-2: it may not release (no permission). A controller who entered C-3 may not release
            // it either (segregation of duties); another controller may, and the release is in the audit trail.
            let buyerRelease = try await HTTP.request("POST", "\(hub.url)/v1/invoices/ACME/S1/C-2/release", token: buyer)
            #expect(buyerRelease.status == 403)
            let third = Self.header + "ACME,S1,C-3,2026-01-21,EUR,ACME-INV,PO-9/1,5,1.50,,,\n"
            let entered = try await HTTP.request("POST", "\(hub.url)/v1/invoices/import", token: controller, body: Data(third.utf8), contentType: "text/csv")
            #expect(entered.status == 200, "\(entered.text)")
            let own = try await HTTP.request("POST", "\(hub.url)/v1/invoices/ACME/S1/C-3/release", token: controller)
            #expect(own.status == 403, "\(own.text)")
            #expect(try own.json()["type"] as? String == "urn:gantry:problem:release-by-enterer")
            let second = try await hub.administration.addPrincipal(name: "ctl2", role: .controller, companies: .only(["ACME"]))
            let released = try await HTTP.request("POST", "\(hub.url)/v1/invoices/ACME/S1/C-3/release", token: second)
            #expect(released.status == 200, "\(released.text)")
            let record = try released.decode(SupplierInvoiceRecord.self)
            #expect(record.status == "posted" && record.releasedBy != record.enteredBy)
            // 5 at 1.00 to GRNI, 2.50 of price variance.
            #expect(record.postings.map { $0.lines.map(\.amount) } == [[500, -500], [250, -250]])
            let audit = try await hub.store.auditEntries(after: 0, limit: 1000, scope: .all)
            #expect(audit.filter { $0.action == "invoice.released" }.map(\.subject) == ["invoice ACME/S1/C-3"])
        }
    }

    @Test func invoicesKeepToThePrincipalsCompaniesAndBadInputIsAProblem() async throws {
        try await withHub { hub in
            try await HubAccessTests.seed(hub)
            try await HubAccessTests.seedInvoices(hub)
            let other = try await hub.administration.addPrincipal(name: "oth", role: .controller, companies: .only(["OTHER"]))
            let body = #"{"company":"ACME","supplier":"S1","number":"X-1","date":"2026-01-21","currency":"EUR","lines":[{"plant":"ACME-INV","orderLine":"PO-9/1","quantity":"1","unitPrice":"1.00"}]}"#
            let foreign = try await HTTP.request("POST", "\(hub.url)/v1/invoices", token: other, json: body)
            #expect(foreign.status == 404, "\(foreign.text)")
            for path in [
                "/v1/invoices?company=ACME", "/v1/invoices/ACME/S1/REL-controller", "/v1/ledger/grni-ageing?company=ACME&at=2026-01-31",
                "/v1/ledger/open-invoices?company=ACME", "/v1/ledger/open-invoices.csv?company=ACME",
            ] {
                let answer = try await HTTP.request("GET", hub.url + path, token: other)
                #expect(answer.status == 404, "\(path): \(answer.status) \(answer.text)")
            }
            let release = try await HTTP.request("POST", "\(hub.url)/v1/invoices/ACME/S1/REL-controller/release", token: other)
            #expect(release.status == 404)
            #expect(try await hub.store.supplierInvoice(company: "ACME", supplier: "S1", number: "REL-controller")?.status == "held")
            let controller = try await hub.administration.addPrincipal(name: "ctl", role: .controller, companies: .only(["ACME"]))
            for (path, status) in [
                ("/v1/ledger/grni-ageing?company=ACME", 400), ("/v1/ledger/grni-ageing?company=ACME&at=31.01.2026", 400),
                ("/v1/invoices?company=ACME&status=open", 400), ("/v1/invoices", 400), ("/v1/invoices/ACME/S1/NOPE", 404),
            ] {
                let answer = try await HTTP.request("GET", hub.url + path, token: controller)
                #expect(answer.status == status, "\(path): \(answer.status) \(answer.text)")
                #expect(answer.contentType == "application/problem+json", "\(path)")
            }
            let badQuantity = body.replacingOccurrences(of: #""quantity":"1""#, with: #""quantity":"-1""#)
            let refused = try await HTTP.request("POST", "\(hub.url)/v1/invoices", token: controller, json: badQuantity)
            #expect(refused.status == 422, "\(refused.text)")
            #expect(try refused.json()["field"] as? String == "lines[0].quantity")
            // A plant of another company is not one of the invoice's company's.
            let foreignPlant = try await HTTP.request(
                "POST", "\(hub.url)/v1/invoices", token: controller, json: body.replacingOccurrences(of: "ACME-INV", with: "OTHER-LON"))
            #expect(foreignPlant.status == 422, "\(foreignPlant.text)")
            #expect(try foreignPlant.json()["field"] as? String == "lines[0].plant")
            let noCharges = try await HTTP.request("POST", "\(hub.url)/v1/invoices/import", token: controller,
                                                   body: Data((HubInvoiceAccessTests.header + "ACME,S1,Y-1,2026-01-21,EUR,,,,,freight,5.00,quantity\n").utf8),
                                                   contentType: "text/csv")
            #expect(noCharges.status == 422, "a charge without lines: \(noCharges.text)")
            #expect((try noCharges.json()["errors"] as? [[String: Any]])?.first?["line"] as? Int == 2)
            let created = try await HTTP.request("POST", "\(hub.url)/v1/invoices", token: controller, json: body)
            #expect(created.status == 201, "\(created.text)")
            let resent = try await HTTP.request("POST", "\(hub.url)/v1/invoices", token: controller, json: body)
            #expect(resent.status == 200)
            let changed = try await HTTP.request("POST", "\(hub.url)/v1/invoices", token: controller, json: body.replacingOccurrences(of: "1.00", with: "0.90"))
            #expect(changed.status == 409, "\(changed.text)")
        }
    }
}
