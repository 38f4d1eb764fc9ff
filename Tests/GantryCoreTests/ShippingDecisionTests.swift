import Foundation
@testable import GantryCore
import Testing

/// SSCCs, packing, shipping and transfer receipts decided without a database; OTIF figures worked out by hand.
@Suite struct ShippingDecisionTests {
    // MARK: SSCC

    /// Check digits worked out by hand (weights 3, 1, 3, … from the rightmost data digit): the GS1 specification's own
    /// example, and prefixes of 6, 7 and 12 digits leaving 10, 9 and 4 digits of serial reference.
    @Test(arguments: [
        (0, "0614141", Int64(123_456_789), "006141411234567890"),   // sum 140 → 0
        (0, "123456789012", 42, "012345678901200428"),              // sum 102 → 8
        (3, "614141", 1_234_567_890, "361414112345678903"),         // sum 117 → 3
        (0, "4012345", 1, "040123450000000016"),                    // sum 34 → 6
    ])
    func ssccsAreBuiltWithTheirCheckDigit(extensionDigit: Int, prefix: String, serial: Int64, expected: String) throws {
        let sscc = try SSCC(extensionDigit: extensionDigit, companyPrefix: GS1CompanyPrefix(prefix), serialReference: serial)
        #expect(sscc.digits == expected)
        #expect(try SSCC(expected) == sscc && SSCC("(00)" + expected) == sscc)
        #expect(sscc.isAllocated(under: try GS1CompanyPrefix(prefix)))
        #expect(!sscc.isAllocated(under: try GS1CompanyPrefix("999999")))
    }

    @Test func badSSCCsAndPrefixesAreRefused() throws {
        #expect(throws: SSCCError.self) { try SSCC("006141411234567891") }   // check digit 1, not 0
        #expect(throws: SSCCError.self) { try SSCC("00614141123456789") }    // 17 digits
        #expect(throws: SSCCError.self) { try SSCC("0061414112345678A0") }
        #expect(throws: SSCCError.self) { try GS1CompanyPrefix("12345") }
        #expect(throws: SSCCError.self) { try GS1CompanyPrefix("1234567890123") }
        let twelve = try GS1CompanyPrefix("123456789012")
        #expect(twelve.largestSerialReference == 9999)
        #expect(throws: SSCCError.self) { try SSCC(companyPrefix: twelve, serialReference: 10_000) }
    }

    @Test func theLabelCarriesTheElementStringAndItsHumanReadableForm() throws {
        let label = LogisticLabel(sscc: try SSCC("006141411234567890"), contentGTIN: "04012345000016", count: 40, lot: "L7")
        #expect(label.humanReadable == "(00)006141411234567890(02)04012345000016(37)40(10)L7")
        #expect(label.gs1_128 == "]C100006141411234567890020401234500001637" + "40\u{1D}10L7")
        // What the label encodes reads back through Gantry's own GS1 parser.
        let read = try GS1Parser(referenceYear: 2026).parse(label.gs1_128)
        #expect(read.sscc == "006141411234567890" && read.batch == "L7")
    }

    // MARK: Packing and shipping

    static let motor = ItemMaster(try! MasterRecord(
        kind: .item, company: "ACME", key: "MOTOR", active: true, plants: [], data: JSONValue.parse(#"{"uom":"EA","tracking":"lot"}"#), version: 1,
        updatedAt: Date(timeIntervalSince1970: 0), updatedBy: "t"))!
    static let sscc = try! SSCC("006141411234567890")

    static func stock(held: Int64 = 100, reservedForOthers: Int64 = 0, type: LocationType = .storage, status: String? = nil) -> IssueDecision.Snapshot {
        IssueDecision.Snapshot(
            location: LocationDefined(code: "A1", type: type, warehouse: "W", zone: nil, bin: nil, active: true), lotStatus: status,
            lotExpiry: "2027-01-01", today: "2026-12-05", held: Quantity(held), reservedForOthers: Quantity(reservedForOthers))
    }

    static func line(_ line: Int, _ item: String = "MOTOR", ordered: Int64, packed: Int64 = 0, accepted: Bool = true) -> OutboundDecision.Line {
        OutboundDecision.Line(line: line, item: item, ordered: Quantity(ordered), packed: Quantity(packed), shipped: .zero, accepted: accepted)
    }

    static let packRefusals: [(String, OutboundDecision.PackSnapshot, Int64, ShippingRefusal.Code?, InventoryRefusal.Code?)] = [
        ("unknown unit", .init(unit: nil, orderOpen: true, lines: [line(1, ordered: 10)], stock: stock()), 1, .unknownUnit, nil),
        ("shipped unit", .init(unit: ("SO-1", true), orderOpen: true, lines: [line(1, ordered: 10)], stock: stock()), 1, .unitShipped, nil),
        ("order shipped", .init(unit: ("SO-1", false), orderOpen: false, lines: [line(1, ordered: 10)], stock: stock()), 1, .closed, nil),
        ("not on order", .init(unit: ("SO-1", false), orderOpen: true, lines: [line(1, "PUMP", ordered: 10)], stock: stock()), 1, .notOnOrder, nil),
        ("refused line", .init(unit: ("SO-1", false), orderOpen: true, lines: [line(1, ordered: 10, accepted: false)], stock: stock()), 1, .notOnOrder, nil),
        ("over-pack", .init(unit: ("SO-1", false), orderOpen: true, lines: [line(1, ordered: 10, packed: 8)], stock: stock()), 3, .overPack, nil),
        ("quarantined lot", .init(unit: ("SO-1", false), orderOpen: true, lines: [line(1, ordered: 10)], stock: stock(status: "quarantined")), 1, nil, .quarantined),
        ("held for others", .init(unit: ("SO-1", false), orderOpen: true, lines: [line(1, ordered: 10)], stock: stock(held: 5, reservedForOthers: 5)), 1, nil, .reservedElsewhere),
        ("quarantine location", .init(unit: ("SO-1", false), orderOpen: true, lines: [line(1, ordered: 10)], stock: stock(type: .quarantine)), 1, nil, .quarantined),
    ]

    @Test(arguments: packRefusals.indices)
    func packingRefusesWhatMayNotBePacked(index: Int) {
        let (name, snapshot, quantity, shipping, inventory) = Self.packRefusals[index]
        let unit = ResolvedUnit(item: Self.motor, lot: "L1", serial: nil, expiry: nil, quantity: Quantity(quantity))
        do {
            _ = try OutboundDecision.pack(unit, into: Self.sscc, line: nil, holder: "ship:SO-1", snapshot)
            Issue.record("\(name): packed")
        } catch let refusal as ShippingRefusal {
            #expect(refusal.code == shipping, "\(name): \(refusal)")
        } catch let refusal as InventoryRefusal {
            #expect(refusal.code == inventory, "\(name): \(refusal)")
        } catch { Issue.record("\(name): \(error)") }
    }

    @Test func packingFillsTheFirstLineThatStillNeedsIt() throws {
        let snapshot = OutboundDecision.PackSnapshot(
            unit: ("SO-1", false), orderOpen: true, lines: [Self.line(1, ordered: 10, packed: 10), Self.line(2, ordered: 5)], stock: Self.stock())
        let unit = ResolvedUnit(item: Self.motor, lot: "L1", serial: nil, expiry: nil, quantity: Quantity(5))
        #expect(try OutboundDecision.pack(unit, into: Self.sscc, line: nil, holder: "ship:SO-1", snapshot) == 2)
    }

    @Test func aShipmentCarriesItsUnitsAndLeavesTheRestOwed() throws {
        let mine = try SSCC(companyPrefix: GS1CompanyPrefix("0614141"), serialReference: 1)
        let second = try SSCC(companyPrefix: GS1CompanyPrefix("0614141"), serialReference: 2)
        let lines = [Self.line(1, ordered: 25), Self.line(2, "PUMP", ordered: 4)]
        let units = [OutboundDecision.UnitState(sscc: mine, order: "SO-1", shipped: false, contents: [1: Quantity(10), 2: Quantity(4)]),
                     OutboundDecision.UnitState(sscc: second, order: "SO-1", shipped: false, contents: [1: Quantity(5)])]
        let shipment = try OutboundDecision.ship(units, order: "SO-1", prefix: try GS1CompanyPrefix("0614141"), lines: lines)
        #expect(shipment.lines.map(\.quantity) == [Quantity(15), Quantity(4)] && !shipment.complete)
        #expect(shipment.backorders == [ShipmentDispatched.Backorder(line: 1, item: "MOTOR", quantity: Quantity(10))])
        let refusals: [([OutboundDecision.UnitState], ShippingRefusal.Code)] = [
            ([], .invalid),
            ([units[0], units[0]], .scannedTwice),
            ([.init(sscc: mine, order: "SO-2", shipped: false, contents: [1: Quantity(1)])], .wrongOrder),
            ([.init(sscc: mine, order: "SO-1", shipped: true, contents: [1: Quantity(1)])], .scannedTwice),
            ([.init(sscc: mine, order: nil, shipped: false, contents: [:])], .unknownUnit),
            ([.init(sscc: mine, order: "SO-1", shipped: false, contents: [:])], .unitEmpty),
            ([.init(sscc: try SSCC(companyPrefix: GS1CompanyPrefix("4012345"), serialReference: 1), order: "SO-1", shipped: false,
                    contents: [1: Quantity(1)])], .foreignSSCC),
        ]
        for (units, code) in refusals {
            do {
                _ = try OutboundDecision.ship(units, order: "SO-1", prefix: try GS1CompanyPrefix("0614141"), lines: lines)
                Issue.record("shipped; expected \(code.rawValue)")
            } catch let refusal as ShippingRefusal {
                #expect(refusal.code == code, "\(refusal)")
            }
        }
    }

    @Test func linesAreAnsweredOneByOne() {
        let answers = OutboundDecision.answer(
            reference: "SO-1", held: false, lines: [(1, "MOTOR", Quantity(5), nil), (2, "MOTOR", Quantity(1), "2027-01-02"), (2, "MOTOR", Quantity(1), nil), (3, "GHOST", Quantity(1), nil),
                    (4, "MOTOR", .zero, nil)],
            requested: "2027-01-01", activeItems: ["MOTOR"])
        #expect(answers.map(\.accepted) == [true, true, false, false, false])
        #expect(answers.map(\.promised) == ["2027-01-01", "2027-01-02", nil, nil, nil])
        #expect(OutboundDecision.status(of: answers) == "open" && OutboundDecision.status(of: Array(answers.suffix(3))) == "refused")
        let twice = OutboundDecision.answer(reference: "SO-1", held: true, lines: [(1, "MOTOR", Quantity(5), nil)], requested: "2027-01-01",
                                            activeItems: ["MOTOR"])
        #expect(twice.map(\.accepted) == [false] && twice.first?.reason?.contains("already") == true)
    }

    @Test func unitsOpenOnlyForOpenOrdersAtUsableLocationsUnderAPrefix() throws {
        let dock = LocationDefined(code: "DOCK", type: .storage, warehouse: "W", zone: nil, bin: nil, active: true)
        let prefix = try GS1CompanyPrefix("4012345")
        #expect(try OutboundDecision.openUnit(for: "SO-1", orderStatus: "open", location: dock, prefix: prefix) == prefix)
        for (status, location, given, code) in [
            (nil, dock, prefix, "unknown-order"), ("shipped", dock, prefix, "closed"), ("refused", dock, prefix, "closed"),
            ("open", LocationDefined(code: "Q", type: .quarantine, warehouse: "W", zone: nil, bin: nil, active: true), prefix, "location-not-usable"),
            ("open", dock, nil, "no-company-prefix"),
        ] as [(String?, LocationDefined, GS1CompanyPrefix?, String)] {
            #expect { _ = try OutboundDecision.openUnit(for: "SO-1", orderStatus: status, location: location, prefix: given) } throws: {
                (($0 as? ProblemReporting)?.problem.code) == code
            }
        }
        #expect { try TransferReceiptDecision.close("TR-1", open: nil) } throws: { ($0 as? ShippingRefusal)?.code == .unknownOrder }
        #expect { try TransferReceiptDecision.close("TR-1", open: false) } throws: { ($0 as? ShippingRefusal)?.code == .closed }
        try TransferReceiptDecision.close("TR-1", open: true)
    }

    // MARK: Transfer receipts

    static let sender = try! GS1CompanyPrefix("0614141")
    static let content = ShippedUnit.Content(line: 1, item: "MOTOR", lot: "L1", serial: nil, expiry: nil, quantity: Quantity(10))

    @Test(arguments: [
        (TransferReceiptDecision.Snapshot(transferOpen: nil, senderPrefix: sender, unit: nil), ShippingRefusal.Code.unknownOrder),
        (.init(transferOpen: false, senderPrefix: sender, unit: .init(transfer: "TR-1", received: false, contents: [content])), .closed),
        (.init(transferOpen: true, senderPrefix: try! GS1CompanyPrefix("4012345"), unit: nil), .foreignSSCC),
        (.init(transferOpen: true, senderPrefix: sender, unit: nil), .unknownUnit),
        (.init(transferOpen: true, senderPrefix: sender, unit: .init(transfer: "TR-2", received: false, contents: [content])), .wrongOrder),
        (.init(transferOpen: true, senderPrefix: sender, unit: .init(transfer: "TR-1", received: true, contents: [content])), .scannedTwice),
    ])
    func receiptsRefuseWhatIsNotThisTransfersUnit(snapshot: TransferReceiptDecision.Snapshot, code: ShippingRefusal.Code) {
        #expect { try TransferReceiptDecision.receive(Self.sscc, transfer: "TR-1", findings: [], snapshot) } throws: {
            ($0 as? ShippingRefusal)?.code == code
        }
    }

    @Test func findingsBecomeDiscrepancies() throws {
        let snapshot = TransferReceiptDecision.Snapshot(
            transferOpen: true, senderPrefix: Self.sender, unit: .init(transfer: "TR-1", received: false, contents: [Self.content]))
        let over = try TransferReceiptDecision.receive(
            Self.sscc, transfer: "TR-1", findings: [.init(unit: Self.content.unit, counted: Quantity(12), damaged: Quantity(1), reason: nil)], snapshot)
        #expect(over.contents.map { [$0.shipped, $0.received, $0.damaged] } == [[Quantity(10), Quantity(11), Quantity(1)]])
        #expect(over.discrepancies.map { "\($0.kind.rawValue) \($0.quantity)" } == ["over 2", "damaged 1"])
        #expect(throws: ShippingRefusal.self) {
            try TransferReceiptDecision.receive(Self.sscc, transfer: "TR-1", findings: [
                .init(unit: StockUnit(item: "PUMP", lot: nil, serial: nil), counted: Quantity(1), damaged: .zero, reason: nil)], snapshot)
        }
        #expect(throws: ShippingRefusal.self) {
            try TransferReceiptDecision.receive(Self.sscc, transfer: "TR-1", findings: [
                .init(unit: Self.content.unit, counted: Quantity(1), damaged: Quantity(2), reason: nil)], snapshot)
        }
    }

    // MARK: OTIF

    static let orderedAt = Timestamp.parse("2027-03-01T08:00:00Z")!
    static func shipment(_ day: String, _ quantity: Int64) -> ServiceLevel.Shipment {
        ServiceLevel.Shipment(day: day, at: Timestamp.parse(day + "T10:00:00Z")!, quantity: Quantity(quantity))
    }

    /// Line A: 100 ordered for 2027-03-10, 60 shipped on the 8th and 40 on the 12th.
    static let lineA = ServiceLevel.Line(ordered: Quantity(100), requested: "2027-03-10", promised: "2027-03-12", orderedAt: orderedAt,
                                         shipments: [shipment("2027-03-08", 60), shipment("2027-03-12", 40)])

    @Test func otifOfALineByHand() {
        let strict = ServiceLevel.evaluate(Self.lineA, policy: .init(), today: "2027-03-20")
        // In full (100 of 100) but the last 40 left two days late: not on time, and only 60 had left by the 10th.
        #expect(strict.status == .measured && strict.onTime == false && strict.inFull == true && strict.otif == false)
        #expect(strict.shippedInWindow == Quantity(60) && strict.backorder == .zero)
        // Completed by the shipment of the 12th at 10:00, 11 days and 2 hours after the order: 11.08 days.
        #expect(strict.leadTimeDays == Decimal(string: "11.08"))
        let promised = ServiceLevel.evaluate(Self.lineA, policy: .init(basis: .promised), today: "2027-03-20")
        #expect(promised.due == "2027-03-12" && promised.otif == true)
        let twoDaysLate = ServiceLevel.evaluate(Self.lineA, policy: .init(lateDays: 2), today: "2027-03-20")
        #expect(twoDaysLate.windowEnd == "2027-03-12" && twoDaysLate.otif == true)
        // With 50 % tolerance the 60 of the 8th are in full within the window; the line's last shipment is still late.
        let tolerant = ServiceLevel.evaluate(Self.lineA, policy: .init(tolerancePercent: 50), today: "2027-03-20")
        #expect(tolerant.otif == true && tolerant.onTime == false && tolerant.leadTimeDays == Decimal(string: "7.08"))
    }

    @Test func openLinesCountInNoRatioAndOwedQuantitiesAreBackorders() {
        let unshipped = ServiceLevel.Line(ordered: Quantity(10), requested: "2027-03-10", promised: nil, orderedAt: Self.orderedAt, shipments: [])
        let partial = ServiceLevel.Line(ordered: Quantity(10), requested: "2027-03-10", promised: nil, orderedAt: Self.orderedAt,
                                        shipments: [ServiceLevel.Shipment(day: "2027-03-05", at: Timestamp.parse("2027-03-05T08:00:00Z")!, quantity: Quantity(5))])
        let b = ServiceLevel.evaluate(unshipped, policy: .init(), today: "2027-03-11")
        #expect(b.status == .measured && b.otif == false && b.onTime == false && b.backorder == Quantity(10) && b.leadTimeDays == nil)
        let c = ServiceLevel.evaluate(partial, policy: .init(), today: "2027-03-09")
        #expect(c.status == .open && c.otif == nil && c.backorder == Quantity(5) && c.leadTimeDays == Decimal(4))
        let a = ServiceLevel.evaluate(Self.lineA, policy: .init(), today: "2027-03-20")
        let summary = ServiceLevel.summarise([a, b, c])
        #expect(summary.lines == 3 && summary.measured == 2 && summary.onTime == 0 && summary.inFull == 1 && summary.otif == 0)
        #expect(summary.inFullPercent == Decimal(50) && summary.otifPercent == Decimal(0))
        // (11.08 + 4.00) / 2
        #expect(summary.averageLeadTimeDays == Decimal(string: "7.54") && summary.backorderLines == 2)
        #expect(ServiceLevel.summarise([c]).otifPercent == nil)
    }
}
