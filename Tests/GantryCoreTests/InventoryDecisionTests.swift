import Foundation
import GantryCore
import Testing

/// Inventory rules as pure decisions: every refusal code they produce, without a database.
@Suite struct InventoryDecisionTests {
    static func item(_ key: String, tracking: String, uom: String = "EA", active: Bool = true, conversions: [String: String] = [:]) -> ItemMaster {
        let factors = conversions.sorted { $0.key < $1.key }.map { JSONValue.object(["uom": .string($0.key), "factor": .string($0.value)]) }
        return ItemMaster(MasterRecord(
            kind: .item, company: "ACME", key: key, active: active, plants: [],
            data: .object(["uom": .string(uom), "tracking": .string(tracking), "conversions": .array(factors)]),
            version: 1, updatedAt: Date(timeIntervalSince1970: 0), updatedBy: "test"))!
    }

    static let bolt = item("BOLT", tracking: "lot")
    static let motor = item("MOTOR", tracking: "serial")
    static let oil = item("OIL", tracking: "none", uom: "L", conversions: ["BOX": "12"])
    static let retired = item("OLD", tracking: "none", active: false)

    static func location(_ code: String, _ type: LocationType = .storage, active: Bool = true) -> LocationDefined {
        LocationDefined(code: code, type: type, warehouse: "W", zone: nil, bin: nil, active: active)
    }

    static func unit(_ item: ItemMaster, lot: String? = nil, serial: String? = nil, expiry: String? = nil, _ quantity: Int64 = 1) -> ResolvedUnit {
        ResolvedUnit(item: item, lot: lot, serial: serial, expiry: expiry, quantity: Quantity(quantity))
    }

    static func masters(_ item: ItemMaster?, gtinItem: String? = nil) -> UnitResolution.Snapshot {
        UnitResolution.Snapshot(gtinItem: gtinItem, item: item)
    }

    static func receipt(
        line: ReceiptDecision.OrderLine? = .init(item: "BOLT", ordered: Quantity(100), received: Quantity(90), tolerancePercent: Quantity(5)),
        unit: UnitSpec = UnitSpec(item: "BOLT", lot: "L1", quantity: Quantity(10)), item: ItemMaster? = bolt, location: LocationDefined? = location("DOCK", .receiving)
    ) -> ReceiptDecision.Snapshot {
        ReceiptDecision.Snapshot(
            order: "PO-1", line: 1, orderLine: line, unit: unit, masters: masters(item), locationCode: location?.code ?? "NOWHERE", location: location,
            today: "2026-12-05")
    }

    static func issue(
        _ from: LocationDefined = location("A1"), status: String? = nil, expiry: String? = nil, held: Int64 = 10, others: Int64 = 0
    ) -> IssueDecision.Snapshot {
        IssueDecision.Snapshot(
            location: from, lotStatus: status, lotExpiry: expiry, today: "2026-12-05", held: Quantity(held), reservedForOthers: Quantity(others))
    }

    static func candidate(_ lot: String, expiry: String?, _ quantity: Int64, reserved: Int64 = 0, type: LocationType = .storage, held: Bool = false) -> FEFOAllocation.Candidate {
        FEFOAllocation.Candidate(
            item: "BOLT", location: "A1", lot: lot, serial: "", locationType: type, held: held, expiry: expiry, quantity: Quantity(quantity),
            reserved: Quantity(reserved))
    }

    static func fefo(_ candidates: [FEFOAllocation.Candidate]) -> FEFOAllocation.Snapshot {
        FEFOAllocation.Snapshot(knownItems: ["BOLT"], candidates: candidates, today: "2026-12-05")
    }

    static func counted(_ spec: UnitSpec, _ item: ItemMaster? = bolt) -> CountReconciliation.CountedLine {
        CountReconciliation.CountedLine(unit: spec, masters: masters(item))
    }

    /// One refusal: what is decided, and the code it must be refused with.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var code: InventoryRefusal.Code
        var decide: @Sendable () throws -> Void
        var testDescription: String { "\(name) → \(code.rawValue)" }

        init(_ name: String, _ code: InventoryRefusal.Code, _ decide: @escaping @Sendable () throws -> Void) {
            self.name = name
            self.code = code
            self.decide = decide
        }
    }

    static let refusals: [Case] = [
        // Unit resolution
        Case("a GTIN no item has", .unknownItem) { _ = try UnitResolution.decide(UnitSpec(scanned: ScannedUnit(gtin: "04012345000016")), masters(nil)) },
        Case("neither GTIN nor item", .unknownItem) { _ = try UnitResolution.decide(UnitSpec(quantity: Quantity(1)), masters(nil)) },
        Case("an item the masters lack", .unknownItem) { _ = try UnitResolution.decide(UnitSpec(item: "NOPE", quantity: Quantity(1)), masters(nil)) },
        Case("a retired item", .unknownItem) { _ = try UnitResolution.decide(UnitSpec(item: "OLD", quantity: Quantity(1)), masters(retired)) },
        Case("a GTIN of another item than named", .wrongItem) {
            _ = try UnitResolution.decide(UnitSpec(scanned: ScannedUnit(gtin: "1", lot: "L1"), item: "OIL"), masters(bolt, gtinItem: "BOLT"))
        },
        Case("scan and field name other lots", .invalid) {
            _ = try UnitResolution.decide(UnitSpec(scanned: ScannedUnit(gtin: "1", lot: "L1"), lot: "L2", quantity: Quantity(1)), masters(bolt, gtinItem: "BOLT"))
        },
        Case("a lot-tracked item without lot", .lotRequired) { _ = try UnitResolution.decide(UnitSpec(item: "BOLT", quantity: Quantity(1)), masters(bolt)) },
        Case("a serial-tracked item without serial", .serialRequired) { _ = try UnitResolution.decide(UnitSpec(item: "MOTOR"), masters(motor)) },
        Case("a unit the item cannot convert", .unknownUnit) {
            _ = try UnitResolution.decide(UnitSpec(item: "OIL", quantity: Quantity(1), uom: "PALLET"), masters(oil))
        },
        Case("no quantity and no count on the scan", .quantityRequired) { _ = try UnitResolution.decide(UnitSpec(item: "OIL"), masters(oil)) },
        Case("two units of one serial", .serialQuantity) {
            _ = try UnitResolution.decide(UnitSpec(item: "MOTOR", serial: "S1", quantity: Quantity(2)), masters(motor))
        },
        Case("a quantity of none", .invalid) { _ = try UnitResolution.decide(UnitSpec(item: "OIL", quantity: .zero), masters(oil)) },
        Case("half a bolt", .invalid) { _ = try UnitResolution.decide(UnitSpec(item: "BOLT", lot: "L1", quantity: Quantity(text: "0.5")), masters(bolt)) },
        // Receipt acceptance
        Case("a line the plant lacks", .unknownOrder) { _ = try ReceiptDecision.decide(receipt(line: nil)) },
        Case("another item than ordered", .wrongItem) {
            _ = try ReceiptDecision.decide(receipt(line: .init(item: "OIL", ordered: Quantity(1), received: .zero, tolerancePercent: .zero)))
        },
        Case("a receipt without lot", .lotRequired) { _ = try ReceiptDecision.decide(receipt(unit: UnitSpec(item: "BOLT", quantity: Quantity(1)))) },
        Case("into no location", .unknownLocation) { _ = try ReceiptDecision.decide(receipt(location: nil)) },
        Case("into a retired location", .locationNotUsable) { _ = try ReceiptDecision.decide(receipt(location: location("DOCK", .receiving, active: false))) },
        Case("into scrap", .locationNotUsable) { _ = try ReceiptDecision.decide(receipt(location: location("SCRAP", .scrap))) },
        Case("an expired lot into storage", .expired) {
            _ = try ReceiptDecision.decide(receipt(unit: UnitSpec(item: "BOLT", lot: "L1", expiry: "2026-12-04", quantity: Quantity(1))))
        },
        Case("beyond the tolerance", .overReceipt) { _ = try ReceiptDecision.decide(receipt(unit: UnitSpec(item: "BOLT", lot: "L1", quantity: Quantity(16)))) },
        // Locations
        Case("a location code with spaces", .invalid) { try LocationDecision.define(location("A 1"), holdsStock: false) },
        Case("retiring a location that holds stock", .locationNotUsable) { try LocationDecision.define(location("A1", active: false), holdsStock: true) },
        Case("a move to where it is", .invalid) { try LocationDecision.requireDistinct(from: location("A1"), to: location("A1")) },
        // Taking stock
        Case("nothing there", .notInStock) { try StockAvailability.requireFree(unit(oil), at: "A1", held: .zero, reservedForOthers: .zero, for: nil) },
        Case("less there than taken", .insufficientStock) {
            try StockAvailability.requireFree(unit(oil, 5), at: "A1", held: Quantity(4), reservedForOthers: .zero, for: nil)
        },
        Case("there but reserved", .reservedElsewhere) {
            try StockAvailability.requireFree(unit(oil, 5), at: "A1", held: Quantity(6), reservedForOthers: Quantity(2), for: "WO-1")
        },
        Case("a move out of an empty row", .notInStock) { _ = try StockMoveDecision.decide(unit(oil), from: "A1", to: "A2", .init()) },
        Case("a serial already in stock", .serialInStock) {
            _ = try StockMoveDecision.decide(unit(motor, serial: "S1"), from: nil, to: "A1", .init(serialPlaces: ["A2"]))
        },
        Case("a label with another expiry", .lotLabelConflict) {
            _ = try StockMoveDecision.decide(unit(bolt, lot: "L1", expiry: "2027-01-01"), from: nil, to: "A1", .init(knownLot: LotLabel.Dates(expiry: "2028-01-01")))
        },
        // Issues
        Case("from quarantine", .quarantined) { try IssueDecision.decide(unit(bolt, lot: "L1"), to: "WO-1", allowExpired: false, issue(location("QA", .quarantine))) },
        Case("of a held lot", .quarantined) { try IssueDecision.decide(unit(bolt, lot: "L1"), to: "WO-1", allowExpired: false, issue(status: "quarantined")) },
        Case("of an expired lot", .expired) { try IssueDecision.decide(unit(bolt, lot: "L1"), to: "WO-1", allowExpired: false, issue(expiry: "2026-12-04")) },
        Case("of stock reserved for others", .reservedElsewhere) {
            try IssueDecision.decide(unit(bolt, lot: "L1", 5), to: "WO-1", allowExpired: false, issue(held: 5, others: 1))
        },
        Case("more than the row holds", .insufficientStock) { try IssueDecision.decide(unit(bolt, lot: "L1", 5), to: "WO-1", allowExpired: false, issue(held: 4)) },
        // Reservations
        Case("no work order", .invalid) { _ = try FEFOAllocation.decide(workOrder: "", lines: [], allowShort: false, fefo([])) },
        Case("a line of nothing", .invalid) {
            _ = try FEFOAllocation.decide(workOrder: "WO-1", lines: [ReservationLine(item: "BOLT", quantity: .zero)], allowShort: false, fefo([]))
        },
        Case("an item the masters lack", .unknownItem) {
            _ = try FEFOAllocation.decide(workOrder: "WO-1", lines: [ReservationLine(item: "NUT", quantity: Quantity(1))], allowShort: false, fefo([]))
        },
        Case("more than is free", .shortage) {
            _ = try FEFOAllocation.decide(
                workOrder: "WO-1", lines: [ReservationLine(item: "BOLT", quantity: Quantity(5))], allowShort: false, fefo([candidate("L1", expiry: nil, 4)]))
        },
        // Counts
        Case("a count line without quantity", .quantityRequired) {
            _ = try CountReconciliation.decide([counted(UnitSpec(item: "BOLT", lot: "L1"))], books: [:], complete: false)
        },
        Case("a negative count", .invalid) {
            _ = try CountReconciliation.decide([counted(UnitSpec(item: "BOLT", lot: "L1", quantity: Quantity(-1)))], books: [:], complete: false)
        },
        Case("a serial counted twice over", .serialQuantity) {
            _ = try CountReconciliation.decide([counted(UnitSpec(item: "MOTOR", serial: "S1", quantity: Quantity(2)), motor)], books: [:], complete: false)
        },
        Case("half a bolt counted", .invalid) {
            _ = try CountReconciliation.decide([counted(UnitSpec(item: "BOLT", lot: "L1", quantity: Quantity(text: "1.5")))], books: [:], complete: false)
        },
        Case("one lot on two lines", .invalid) {
            let line = counted(UnitSpec(item: "BOLT", lot: "L1", quantity: Quantity(1)))
            _ = try CountReconciliation.decide([line, line], books: [:], complete: false)
        },
        Case("a count line of an unknown item", .unknownItem) {
            _ = try CountReconciliation.decide([counted(UnitSpec(item: "NUT", quantity: Quantity(1)), nil)], books: [:], complete: false)
        },
        Case("a count line without lot", .lotRequired) {
            _ = try CountReconciliation.decide([counted(UnitSpec(item: "BOLT", quantity: Quantity(1)))], books: [:], complete: false)
        },
        // Lot status
        Case("holding a lot of an unknown item", .unknownItem) { _ = try LotStatusDecision.decide(item: "NUT", itemKnown: false, status: .quarantined) },
    ]

    @Test(arguments: InventoryDecisionTests.refusals)
    func refusesWithItsCode(_ refusal: Case) {
        #expect { try refusal.decide() } throws: { ($0 as? InventoryRefusal)?.code == refusal.code }
    }

    /// Every code the decisions above produce is covered; `over-return` is the supplier-return rule's.
    @Test func everyCodeIsCovered() {
        let covered = Set(Self.refusals.map(\.code))
        #expect(Set(InventoryRefusal.Code.allCases).subtracting(covered) == [.overReturn])
    }

    /// The status each refusal is answered with, as the API has always answered it.
    @Test(arguments: InventoryRefusal.Code.allCases)
    func answersWithItsStatus(_ code: InventoryRefusal.Code) {
        let notFound: Set<InventoryRefusal.Code> = [.unknownOrder, .unknownLocation]
        let conflict: Set<InventoryRefusal.Code> = [
            .overReceipt, .serialInStock, .reservedElsewhere, .insufficientStock, .notInStock, .quarantined, .expired, .shortage, .overReturn,
            .lotLabelConflict,
        ]
        let problem = InventoryRefusal(code, "detail", field: "f").problem
        #expect(problem.status == (notFound.contains(code) ? 404 : conflict.contains(code) ? 409 : 422))
        #expect(problem.code == code.rawValue && problem.title == "Refused" && problem.detail == "detail" && problem.field == "f")
    }

    @Test func countLinesAreRefusedByLine() {
        #expect { _ = try CountReconciliation.decide([Self.counted(UnitSpec(item: "NUT", quantity: Quantity(1)), nil)], books: [:], complete: false) }
            throws: { ($0 as? InventoryRefusal)?.detail == "line 1: no item NUT in this plant's masters" && ($0 as? InventoryRefusal)?.field == "lines[0]" }
    }

    @Test func reservationsTakeTheFirstExpiringUsableStock() throws {
        let decision = try FEFOAllocation.decide(
            workOrder: "WO-1", lines: [ReservationLine(item: "BOLT", quantity: Quantity(8))], allowShort: false,
            Self.fefo([
                Self.candidate("NONE", expiry: nil, 10),
                Self.candidate("LATE", expiry: "2027-06-01", 10),
                Self.candidate("SOON", expiry: "2027-01-01", 5, reserved: 2),
                Self.candidate("GONE", expiry: "2026-12-04", 10),
                Self.candidate("HELD", expiry: "2026-12-31", 10, held: true),
                Self.candidate("QA", expiry: "2026-12-30", 10, type: .quarantine),
            ]))
        #expect(decision.allocations.map { "\($0.lot ?? "-") \($0.quantity)" } == ["SOON 3", "LATE 5"])
        #expect(decision.shortages.isEmpty)
    }

    @Test func aShortReservationReportsWhatIsThere() throws {
        let decision = try FEFOAllocation.decide(
            workOrder: "WO-1", lines: [ReservationLine(item: "BOLT", quantity: Quantity(8))], allowShort: true,
            Self.fefo([Self.candidate("L1", expiry: nil, 5, reserved: 2)]))
        #expect(decision.allocations.map(\.quantity) == [Quantity(3)])
        #expect(decision.shortages == [Shortage(item: "BOLT", needed: Quantity(8), onHand: Quantity(5), reservedElsewhere: Quantity(2), short: Quantity(5))])
    }

    @Test func aReceiptWithinToleranceIsAccepted() throws {
        let decision = try ReceiptDecision.decide(Self.receipt(unit: UnitSpec(item: "BOLT", lot: "L1", quantity: Quantity(15))))
        #expect(decision.receivedAfter == Quantity(105) && decision.ordered == Quantity(100) && decision.location.code == "DOCK")
        // An expired lot may go into quarantine.
        let quarantined = try ReceiptDecision.decide(Self.receipt(
            unit: UnitSpec(item: "BOLT", lot: "L1", expiry: "2026-01-01", quantity: Quantity(1)), location: Self.location("QA", .quarantine)))
        #expect(quarantined.unit.expiry == "2026-01-01")
    }

    @Test func aSerialMayLeaveTheRowItIsIn() throws {
        let decision = try StockMoveDecision.decide(
            Self.unit(Self.motor, serial: "S1"), from: "A1", to: "A2", .init(held: Quantity(1), serialPlaces: ["A1"]))
        #expect(decision.emptiesSource)
    }

    @Test func aCountPostsEveryVarianceAndACompleteCountFindsWhatWasNotNamed() throws {
        let books: [StockKey: Quantity] = [
            StockKey(item: "BOLT", lot: "L1", serial: ""): Quantity(10), StockKey(item: "BOLT", lot: "L2", serial: ""): Quantity(3),
        ]
        let line = Self.counted(UnitSpec(item: "BOLT", lot: "L1", quantity: Quantity(8)))
        let partial = try CountReconciliation.decide([line], books: books, complete: false)
        #expect(partial.lines.map(\.variance) == [Quantity(-2)] && partial.exactLines == 0)
        let complete = try CountReconciliation.decide([line], books: books, complete: true)
        #expect(complete.variances.map(\.variance) == [Quantity(-2), Quantity(-3)])
        #expect(complete.variances.map { $0.unit == nil } == [false, true])
        #expect(try CountReconciliation.decide([], books: [:], complete: true).accuracy == 1)
    }

    @Test func reservationsShrinkNewestFirstAndIssuesUseTheirOwn() {
        let held = [
            ReservationDecision.Held(id: "new", workOrder: "WO-2", quantity: Quantity(3)),
            ReservationDecision.Held(id: "old", workOrder: "WO-1", quantity: Quantity(5)),
        ]
        let trimmed = ReservationDecision.trim(onHand: Quantity(4), held: held)
        #expect(trimmed.map { "\($0.reservation.id) \($0.take) \($0.releases)" } == ["new 3 true", "old 1 false"])
        #expect(ReservationDecision.trim(onHand: Quantity(8), held: held).isEmpty)
        #expect(ReservationDecision.consume(Quantity(2), from: held).map(\.take) == [Quantity(2)])
    }

    @Test func holdingALotReleasesItsReservations() throws {
        #expect(try LotStatusDecision.decide(item: "BOLT", itemKnown: true, status: .quarantined).releasesReservations)
        #expect(try LotStatusDecision.decide(item: "BOLT", itemKnown: true, status: .released).stored == "available")
    }
}
