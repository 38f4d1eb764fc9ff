import Foundation
@testable import GantryAgent
import GantryCore
import GantryTestSupport
import Testing

/// Picking, packing, shipping and receiving transfers on a real store file.
@Suite struct ShippingStoreTests {
    static let now = Date(timeIntervalSince1970: 1_796_472_000)   // 2026-12-05 12:00 UTC
    static let prefix = "4012345"

    static func record(_ kind: MasterKind, _ key: String, _ data: [String: JSONValue]) -> MasterRecord {
        MasterRecord(kind: kind, company: "ACME", key: key, active: true, plants: [], data: .object(data), version: 1, updatedAt: now, updatedBy: "test")
    }

    static func location(_ code: String, _ type: LocationType) -> LocationDefined {
        LocationDefined(code: code, type: type, warehouse: "W", zone: nil, bin: nil, active: true)
    }

    /// A store of plant ACME-BER (company prefix 4012345) with MOTOR (lot-tracked, GTIN), CASE (serial-tracked),
    /// locations A1, A2 (storage), DOCK (storage), QUAR (quarantine), and PO-1 to receive against.
    func withStore(prefix: String? = ShippingStoreTests.prefix, _ body: (SQLitePlantStore) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER") { Self.now }
            var plant: [String: JSONValue] = ["name": .string("Berlin"), "timeZone": .string("Europe/Berlin")]
            if let prefix { plant["gs1CompanyPrefix"] = .string(prefix) }
            try await store.applyMasters(MasterChanges(plant: "ACME-BER", since: 0, through: 1, records: [
                Self.record(.plant, "ACME-BER", plant),
                Self.record(.item, "MOTOR", ["uom": .string("EA"), "tracking": .string("lot"), "gtins": .array([.string("04012345000016")])]),
                Self.record(.item, "CASE", ["uom": .string("EA"), "tracking": .string("serial")]),
                Self.record(.supplier, "S1", ["name": .string("Supplier"), "status": .string("approved")]),
            ], removed: [], more: false), at: Self.now)
            for location in [Self.location("A1", .storage), Self.location("A2", .storage), Self.location("DOCK", .storage),
                             Self.location("QUAR", .quarantine)] {
                try await store.defineLocation(location)
            }
            try await store.placePurchaseOrder(PurchaseOrderPlaced(order: "PO-1", supplier: "S1", lines: [
                PurchaseOrderLine(line: 1, item: "MOTOR", quantity: Quantity(1000), tolerancePercent: .zero, due: nil),
                PurchaseOrderLine(line: 2, item: "CASE", quantity: Quantity(1000), tolerancePercent: .zero, due: nil),
            ]))
            try await body(store)
        }
    }

    func receive(_ store: SQLitePlantStore, _ item: String = "MOTOR", lot: String? = nil, serial: String? = nil, expiry: String? = nil,
                 _ quantity: Int64, into location: String = "A1") async throws {
        _ = try await store.receive(ReceiptIntent(
            requestID: UUID(), order: "PO-1", line: item == "MOTOR" ? 1 : 2,
            unit: UnitSpec(item: item, lot: lot, serial: serial, expiry: expiry, quantity: Quantity(quantity)), location: location))
    }

    static func order(_ sequence: Int64, _ lines: [(Int, String, Int64)], reference: String = "SO-1") throws -> PlantInstruction {
        let order = CustomerOrderInstruction(
            order: reference, customer: "C100", customerName: "Northwind", company: "ACME", currency: .EUR, requested: "2026-12-10",
            lines: lines.map { .init(line: $0.0, item: $0.1, quantity: Quantity($0.2), price: Money(minorUnits: 12_000, currency: .EUR)) })
        return PlantInstruction(plant: "ACME-BER", sequence: sequence, kind: .customerOrder, reference: reference, body: try JSONValue.encoding(order),
                                issuedAt: now, issuedBy: "user:pat")
    }

    func refused(_ code: ShippingRefusal.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("not refused; expected \(code.rawValue)", sourceLocation: sourceLocation)
        } catch {
            #expect((error as? ShippingRefusal)?.code == code, "\(error)", sourceLocation: sourceLocation)
        }
    }

    func events<E: PlantEvent>(_ type: E.Type, in store: SQLitePlantStore) async throws -> [E] {
        try await store.events(from: 1, maxEvents: 10_000, maxBytes: 64 << 20).filter { $0.type == E.eventType }.map { try E(payload: $0.payload) }
    }

    @Test func anOrderIsAnsweredLineByLine() async throws {
        try await withStore { store in
            try await store.applyInstructions([try Self.order(1, [(1, "MOTOR", 10), (2, "GHOST", 1), (1, "CASE", 1)])], defaults: DemandDefaults())
            let answer = try #require(try await events(CustomerOrderAnswered.self, in: store).first)
            #expect(answer.lines.map(\.accepted) == [true, false, false])
            #expect(answer.lines[0].promised == "2026-12-10" && answer.lines[1].reason?.contains("GHOST") == true)
            #expect(answer.lines[2].reason?.contains("twice") == true)
            let held = try #require(try await store.outboundOrders(reference: "SO-1").first)
            #expect(held.lines.map(\.line) == [1, 2] && held.lines[0].price == Money(minorUnits: 12_000, currency: .EUR))
            #expect(held.status == "open")
            // An order with no line taken on is refused: nothing is packed for it.
            try await store.applyInstructions([try Self.order(2, [(1, "GHOST", 1)], reference: "SO-2")], defaults: DemandDefaults())
            #expect(try await store.outboundOrders(reference: "SO-2").first?.status == "refused")
            await refused(.closed) { _ = try await store.openUnit(reference: "SO-2", location: "DOCK", requestID: UUID()) }
        }
    }

    @Test func pickListsTakeFirstExpiringUsableStockOnly() async throws {
        try await withStore { store in
            try await receive(store, lot: "LATE", expiry: "2027-06-01", 10)
            try await receive(store, lot: "EARLY", expiry: "2027-01-01", 4, into: "A2")
            try await receive(store, lot: "HELD", expiry: "2026-12-20", 10)
            try await store.setLotStatus(item: "MOTOR", lot: "HELD", status: .quarantined, reason: "inspection")
            try await store.applyInstructions([try Self.order(1, [(1, "MOTOR", 12)])], defaults: DemandDefaults())
            let list = try await store.pickList(reference: "SO-1")
            #expect(list.picks.map { "\($0.location) \($0.lot ?? "") \($0.quantity)" } == ["A1 LATE 8", "A2 EARLY 4"])
            #expect(list.shortages.isEmpty)
            // Asking again reserves nothing more.
            #expect(try await store.pickList(reference: "SO-1").picks == list.picks)
            await refused(.unknownOrder) { _ = try await store.pickList(reference: "SO-404") }
        }
    }

    @Test func unitsArePackedUnderTheCompanyPrefixAndShippedInTwoPartialShipments() async throws {
        try await withStore { store in
            try await receive(store, lot: "L1", 30)
            try await store.applyInstructions([try Self.order(1, [(1, "MOTOR", 25)])], defaults: DemandDefaults())
            _ = try await store.pickList(reference: "SO-1")
            let first = try await store.openUnit(reference: "SO-1", location: "DOCK", requestID: UUID())
            let second = try await store.openUnit(reference: "SO-1", location: "DOCK", requestID: UUID())
            // Extension 0, prefix 4012345, serial references 1 and 2 on nine digits, check digits by hand:
            // 0 4012345 000000001: weights 3, 1, 3, … from the right give 1×3 + 5×1 + 4×3 + 3×1 + 2×3 + 1×1 + 4×1 = 34, so the
            // check digit is 6; serial reference 2 gives 37 and check digit 3.
            #expect(first.sscc.digits == "040123450000000016" && second.sscc.digits == "040123450000000023")
            let pack = { (sscc: SSCC, quantity: Int64) in
                try await store.pack(PackIntent(requestID: UUID(), sscc: sscc, unit: UnitSpec(item: "MOTOR", lot: "L1", quantity: Quantity(quantity)),
                                                from: "A1", line: nil))
            }
            let packed = try await pack(first.sscc, 10)
            #expect(packed.linePacked == Quantity(10) && packed.lineOrdered == Quantity(25))
            _ = try await pack(second.sscc, 10)
            await refused(.overPack) { _ = try await pack(second.sscc, 6) }
            await refused(.notOnOrder) {
                _ = try await store.pack(PackIntent(requestID: UUID(), sscc: first.sscc, unit: UnitSpec(item: "CASE", serial: "S1", quantity: Quantity(1)),
                                                    from: "A1", line: nil))
            }
            // Packed stock stands at the dock, held for its unit: the label names GTIN, count and lot.
            let label = try #require(try await store.logisticUnits(reference: nil, sscc: first.sscc.digits).first?.label)
            #expect(label.humanReadable == "(00)040123450000000016(02)04012345000016(37)10(10)L1")
            #expect(label.gs1_128 == "]C100040123450000000016020401234500001637" + "10\u{1D}10L1")
            #expect(try await store.stock(item: "MOTOR", location: "DOCK", lot: "L1").first?.available == .zero)

            let shipped = try await store.ship(ShipIntent(requestID: UUID(), reference: "SO-1", units: [first.sscc], carrier: "DHL", trackingReference: "JD1"))
            #expect(shipped.shipment == "SHP-1" && shipped.dispatched.lines.map(\.quantity) == [Quantity(10)])
            #expect(shipped.dispatched.backorders == [ShipmentDispatched.Backorder(line: 1, item: "MOTOR", quantity: Quantity(15))])
            #expect(shipped.dispatched.units.first?.contents.first?.lot == "L1" && shipped.dispatched.customer == "C100")
            await refused(.scannedTwice) {
                _ = try await store.ship(ShipIntent(requestID: UUID(), reference: "SO-1", units: [first.sscc], carrier: "DHL", trackingReference: "JD2"))
            }
            await refused(.unitShipped) { _ = try await pack(first.sscc, 1) }
            let foreign = try SSCC(companyPrefix: GS1CompanyPrefix("5012345"), serialReference: 1)
            await refused(.foreignSSCC) {
                _ = try await store.ship(ShipIntent(requestID: UUID(), reference: "SO-1", units: [foreign], carrier: "DHL", trackingReference: "JD2"))
            }
            _ = try await pack(second.sscc, 5)
            let last = try await store.ship(ShipIntent(requestID: UUID(), reference: "SO-1", units: [second.sscc], carrier: "DHL", trackingReference: "JD2"))
            #expect(last.shipment == "SHP-2" && last.dispatched.lines.map(\.quantity) == [Quantity(15)] && last.dispatched.backorders.isEmpty)
            // 30 received, 25 shipped: 5 left at A1, nothing at the dock, nothing held for the order.
            #expect(try await store.stock(item: "MOTOR", location: nil, lot: nil).map { "\($0.location) \($0.quantity)" } == ["A1 5"])
            #expect(try await store.reservations(workOrder: nil).isEmpty)
            #expect(try await store.outboundOrders(reference: "SO-1").first?.status == "shipped")
            let moves = try await events(StockMoved.self, in: store).filter { $0.kind == .shipment }
            #expect(moves.map(\.quantity) == [Quantity(10), Quantity(15)] && moves.allSatisfy { $0.to == nil && $0.reference?.id == "SO-1/1" })
        }
    }

    @Test func anInboundShipmentThisAgentCannotReadRaisesAnAlert() async throws {
        try await withStore { store in
            try await store.applyInstructions([PlantInstruction(
                plant: "ACME-BER", sequence: 1, kind: .inboundShipment, reference: "T9/SHP-1", body: .object(["transfer": .string("T9")]),
                issuedAt: Self.now, issuedBy: "hub")], defaults: DemandDefaults())
            #expect(try await store.instructionsApplied() == 1)
            let alert = try #require(try await events(AlertRaised.self, in: store).first)
            #expect(alert.kind == "instruction-unreadable" && alert.summary.contains("T9/SHP-1"))
        }
    }

    @Test func noCompanyPrefixNoSSCC() async throws {
        try await withStore(prefix: nil) { store in
            try await store.applyInstructions([try Self.order(1, [(1, "MOTOR", 1)])], defaults: DemandDefaults())
            await refused(.noCompanyPrefix) { _ = try await store.openUnit(reference: "SO-1", location: "DOCK", requestID: UUID()) }
        }
    }

    static func transfer(into store: SQLitePlantStore, units: [(SSCC, [ShippedUnit.Content])], transfer: String = "TR-1", first: Int64) async throws {
        let body = TransferInstruction(
            transfer: transfer, fromPlant: "BETA-LYO", toPlant: "ACME-BER", fromCompany: "BETA", toCompany: "ACME", requested: "2026-12-09",
            lines: [.init(line: 1, item: "MOTOR", quantity: Quantity(20), price: Money(minorUnits: 4150, currency: .EUR))],
            fromCompanyPrefix: try GS1CompanyPrefix("3012345678"))
        let shipment = InboundShipmentInstruction(
            transfer: transfer, shipment: "SHP-7", fromPlant: "BETA-LYO", fromCompany: "BETA", toCompany: "ACME", carrier: "DSV", trackingReference: "T1",
            dispatchedAt: now, units: units.map { ShippedUnit(sscc: $0.0, contents: $0.1) })
        try await store.applyInstructions([
            PlantInstruction(plant: "ACME-BER", sequence: first, kind: .transferIn, reference: transfer, body: try JSONValue.encoding(body),
                             issuedAt: now, issuedBy: "user:pat"),
            PlantInstruction(plant: "ACME-BER", sequence: first + 1, kind: .inboundShipment, reference: "\(transfer)/SHP-7",
                             body: try JSONValue.encoding(shipment), issuedAt: now, issuedBy: "hub"),
        ], defaults: DemandDefaults())
    }

    @Test func transferUnitsAreReceivedBySSCCWithDiscrepancies() async throws {
        try await withStore { store in
            let sender = try GS1CompanyPrefix("3012345678")
            let one = try SSCC(companyPrefix: sender, serialReference: 1), two = try SSCC(companyPrefix: sender, serialReference: 2)
            let three = try SSCC(companyPrefix: sender, serialReference: 3), other = try SSCC(companyPrefix: sender, serialReference: 9)
            let content = { (lot: String) in [ShippedUnit.Content(line: 1, item: "MOTOR", lot: lot, serial: nil, expiry: "2027-05-01", quantity: Quantity(10))] }
            try await Self.transfer(into: store, units: [(one, content("B1")), (two, content("B2")), (three, content("B3"))], first: 1)
            try await Self.transfer(into: store, units: [(other, content("B9"))], transfer: "TR-2", first: 3)
            let receive = { (sscc: SSCC, findings: [TransferReceiptDecision.Finding]) in
                try await store.receiveTransferUnit(TransferReceiptIntent(
                    requestID: UUID(), transfer: "TR-1", sscc: sscc, location: "A1", damagedLocation: "QUAR", findings: findings, receivedBy: "kim"))
            }
            let received = try await receive(one, [])
            #expect(received.received.company == "ACME" && received.received.tradingPartner == "BETA" && received.discrepancies.isEmpty)
            await refused(.scannedTwice) { _ = try await receive(one, []) }
            await refused(.wrongOrder) { _ = try await receive(other, []) }
            await refused(.foreignSSCC) { _ = try await receive(try SSCC(companyPrefix: GS1CompanyPrefix("4012345"), serialReference: 5), []) }
            await refused(.unknownUnit) { _ = try await receive(try SSCC(companyPrefix: sender, serialReference: 44), []) }
            let damaged = try await receive(two, [.init(unit: StockUnit(item: "MOTOR", lot: "B2", serial: nil), counted: Quantity(9), damaged: Quantity(2),
                                                       reason: "forklift")])
            #expect(damaged.discrepancies.map { "\($0.kind.rawValue) \($0.quantity)" } == ["short 1", "damaged 2"])
            #expect(damaged.discrepancies.allSatisfy { $0.recordedBy == "kim" && $0.reason == "forklift" && $0.tradingPartner == "BETA" })
            let closed = try await store.closeTransferReceipt(transfer: "TR-1", closedBy: "kim")
            #expect(closed.unitsReceived == 2 && closed.unitsShort == 1)
            let view = try #require(try await store.inboundTransfers(transfer: "TR-1").first)
            #expect(view.discrepancies.map(\.discrepancy) == ["TR-1/1", "TR-1/2", "TR-1/3"])
            #expect(view.discrepancies.last?.kind == .short && view.discrepancies.last?.sscc == three.digits)
            // 10 of B1 and 7 of B2 into A1, 2 of B2 into quarantine; expiry kept from the sender.
            let stock = try await store.stock(item: "MOTOR", location: nil, lot: nil).map { "\($0.location) \($0.lot ?? "") \($0.quantity)" }
            #expect(stock.sorted() == ["A1 B1 10", "A1 B2 7", "QUAR B2 2"])
            await refused(.closed) { _ = try await receive(three, []) }

            // The short pallet is reshipped under a new SSCC: its announcement opens the receipt again.
            let reshipped = try SSCC(companyPrefix: sender, serialReference: 4)
            let again = InboundShipmentInstruction(
                transfer: "TR-1", shipment: "SHP-8", fromPlant: "BETA-LYO", fromCompany: "BETA", toCompany: "ACME", carrier: "DSV",
                trackingReference: "T2", dispatchedAt: Self.now, units: [ShippedUnit(sscc: reshipped, contents: content("B3"))])
            try await store.applyInstructions([PlantInstruction(
                plant: "ACME-BER", sequence: 5, kind: .inboundShipment, reference: "TR-1/SHP-8", body: try JSONValue.encoding(again),
                issuedAt: Self.now, issuedBy: "hub")], defaults: DemandDefaults())
            #expect(try await store.inboundTransfers(transfer: "TR-1").first?.status == "open")
            #expect(try await receive(reshipped, []).discrepancies.isEmpty)
            // And the pallet recorded short turns up after all: received, and found beside the short recorded before.
            let found = try await receive(three, [])
            #expect(found.discrepancies.map { "\($0.discrepancy) \($0.kind.rawValue) \($0.quantity)" } == ["TR-1/4 over 10"])
            #expect(try await store.closeTransferReceipt(transfer: "TR-1", closedBy: "kim").unitsShort == 0)
            let units = try #require(try await store.inboundTransfers(transfer: "TR-1").first).units.map(\.status)
            #expect(units == ["received", "received", "received", "received"], "\(units)")
        }
    }
}
