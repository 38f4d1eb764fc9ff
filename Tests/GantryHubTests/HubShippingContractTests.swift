import Foundation
import GantryCore
@testable import GantryHub
import Testing

/// Customer orders, transfers, shipments, units in transit and discrepancies: the same contract on SQLite and on
/// PostgreSQL.
@Suite struct HubShippingContractTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func envelope(_ sequence: Int64, _ event: some PlantEvent, at: Date? = nil) throws -> EventEnvelope {
        EventEnvelope(
            sequence: sequence, id: UUID(), type: type(of: event).eventType, schemaVersion: type(of: event).schemaVersion,
            occurredAt: at ?? start.addingTimeInterval(Double(sequence) * 3600), recordedAt: start,
            payload: try JSONValue.parse(try event.payloadJSON()))
    }

    static func sscc(_ serial: Int64, prefix: String = "4012345") throws -> SSCC {
        try SSCC(companyPrefix: try GS1CompanyPrefix(prefix), serialReference: serial)
    }

    static func unit(_ serial: Int64, _ contents: [(line: Int, item: String, lot: String, quantity: Int64)]) throws -> ShippedUnit {
        ShippedUnit(sscc: try sscc(serial), contents: contents.map {
            .init(line: $0.line, item: $0.item, lot: $0.lot, serial: nil, expiry: "2031-01-31", quantity: Quantity($0.quantity))
        })
    }

    static func enrol(_ store: any HubStore, _ plants: [(String, String)]) async throws {
        for (company, code) in plants {
            _ = try await store.enrolPlant(try PlantIdentity(company: company, code: code), timeZone: "Europe/Berlin", tokenHash: code, audit: .test)
        }
    }

    static let order = CustomerOrderInstruction(
        order: "SO-1", customer: "CUST1", customerName: "Customer One", company: "ACME", currency: try! CurrencyCode("EUR"),
        requested: "2027-01-20", lines: [
            .init(line: 1, item: "PUMP", quantity: Quantity(10), price: Money(text: "12.50", currency: try! CurrencyCode("EUR"))!),
            .init(line: 2, item: "VALVE", quantity: Quantity(4), price: Money(text: "3", currency: try! CurrencyCode("EUR"))!),
        ])

    static func dispatched(_ shipment: String, lines: [(Int, String, Int64)], units: [ShippedUnit]) -> ShipmentDispatched {
        ShipmentDispatched(
            shipment: shipment, kind: .customerOrder, order: "SO-1", customer: "CUST1", toPlant: nil, company: "ACME", tradingPartner: nil,
            carrier: "DHL", trackingReference: "TRK-\(shipment)", units: units,
            lines: lines.map { .init(line: $0.0, item: $0.1, quantity: Quantity($0.2), price: nil) }, backorders: [])
    }

    @Test(arguments: HubBackend.allCases) func aCustomerOrderIsHandedOnceAndShippedInTwoPartialShipments(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await Self.enrol(store, [("ACME", "BER"), ("BETA", "OSL")])
            let placed = try await store.placeCustomerOrder(Self.order, plant: "ACME-BER", at: Self.start, by: "user:pat", audit: .test)
            #expect(placed.created && placed.instructions.map(\.sequence) == [1] && placed.instructions.first?.kind == .customerOrder)
            let again = try await store.placeCustomerOrder(Self.order, plant: "ACME-BER", at: Self.start, by: "user:pat", audit: .test)
            #expect(!again.created && again.instructions == placed.instructions, "the same order answers what was handed")
            #expect(try await store.latestInstruction(plantID: "ACME-BER") == 1)

            let answered = CustomerOrderAnswered(order: "SO-1", instruction: 1, lines: [
                .init(line: 1, accepted: true, promised: "2027-01-22"), .init(line: 2, accepted: true, promised: "2027-01-20"),
            ])
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 2, events: [
                try Self.envelope(1, answered),
                try Self.envelope(2, Self.dispatched("SHP-1", lines: [(1, "PUMP", 6)], units: [
                    try Self.unit(1, [(1, "PUMP", "L1", 4)]), try Self.unit(2, [(1, "PUMP", "L2", 2)]),
                ])),
            ]), receivedAt: Self.start)
            var orders = try await store.customerOrders(OutboundFilter(), scope: .only(["ACME"]))
            #expect(orders.count == 1 && orders.first?.status == .partiallyShipped)
            let lines = try #require(orders.first?.lines)
            // Line 1: 10 ordered, 4 + 2 shipped, 4 owed; line 2: nothing shipped, all 4 owed.
            #expect(lines.map(\.shipped) == [Quantity(6), .zero] && lines.map(\.backorder) == [Quantity(4), Quantity(4)])
            #expect(lines.map(\.answeredPromised) == ["2027-01-22", "2027-01-20"] && lines.allSatisfy { $0.accepted == true })
            #expect(orders.first?.shipments.first?.units.map { $0.contents.map(\.lot) } == [["L1"], ["L2"]])
            #expect(try await store.instructions(plantID: "ACME-BER", kind: .customerOrder, after: 0, limit: 5).first?.answer != nil)

            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 3, events: [
                try Self.envelope(3, Self.dispatched("SHP-2", lines: [(1, "PUMP", 4), (2, "VALVE", 4)], units: [
                    try Self.unit(3, [(1, "PUMP", "L2", 4), (2, "VALVE", "V1", 4)]),
                ])),
            ]), receivedAt: Self.start)
            orders = try await store.customerOrders(OutboundFilter(customer: "CUST1"), scope: .all)
            #expect(orders.first?.status == .shipped && orders.first?.shipments.map(\.shipment) == ["SHP-1", "SHP-2"])
            #expect(orders.first?.lines.map(\.backorder) == [.zero, .zero])
            #expect(try await store.customerOrders(OutboundFilter(), scope: .only(["BETA"])).isEmpty, "another company's orders stay out of sight")
            #expect(try await store.customerOrders(OutboundFilter(reference: "SO-9"), scope: .all).isEmpty)

            let facts = try await store.serviceLevelFacts(OutboundFilter(company: "ACME"), scope: .all)
            #expect(facts.map(\.line) == [1, 2] && facts.map(\.promised) == ["2027-01-22", "2027-01-20"])
            #expect(facts.first?.shipments.map(\.quantity) == [Quantity(6), Quantity(4)] && facts.first?.timeZone == "Europe/Berlin")
        }
    }

    static let transfer = TransferInstruction(
        transfer: "TR-1", fromPlant: "ACME-BER", toPlant: "BETA-OSL", fromCompany: "ACME", toCompany: "BETA", requested: "2027-02-01",
        lines: [.init(line: 1, item: "PUMP", quantity: Quantity(8), price: Money(text: "40", currency: try! CurrencyCode("EUR"))!)])

    static func transferShipment() throws -> ShipmentDispatched {
        ShipmentDispatched(
            shipment: "SHP-7", kind: .transfer, order: "TR-1", customer: nil, toPlant: "BETA-OSL", company: "ACME", tradingPartner: "BETA",
            carrier: "DSV", trackingReference: "DSV-1", units: [try unit(11, [(1, "PUMP", "L1", 5)]), try unit(12, [(1, "PUMP", "L1", 3)])],
            lines: [.init(line: 1, item: "PUMP", quantity: Quantity(8), price: Money(text: "40", currency: try CurrencyCode("EUR")))],
            backorders: [])
    }

    @Test(arguments: HubBackend.allCases) func aTransferAcrossCompaniesIsInTransitUntilReceivedAndItsShortageSettledOnce(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await Self.enrol(store, [("ACME", "BER"), ("BETA", "OSL"), ("GAMMA", "ROM")])
            let placed = try await store.placeTransfer(Self.transfer, at: Self.start, by: "user:pat", audit: .test)
            #expect(placed.created && placed.instructions.map(\.kind) == [.transferOut, .transferIn])
            #expect(placed.instructions.map(\.plant) == ["ACME-BER", "BETA-OSL"])
            #expect(try await store.placeTransfer(Self.transfer, at: Self.start, by: "user:pat", audit: .test).created == false)

            let shipped = SyncBatch(plant: "ACME-BER", agentHead: 2, events: [
                try Self.envelope(1, TransferAnswered(transfer: "TR-1", instruction: 1, lines: [.init(line: 1, accepted: true, promised: "2027-01-30")])),
                try Self.envelope(2, try Self.transferShipment()),
            ])
            _ = try await store.applyBatch(shipped, receivedAt: Self.start)
            _ = try await store.applyBatch(shipped, receivedAt: Self.start.addingTimeInterval(60))
            let inbound = try await store.instructions(plantID: "BETA-OSL", kind: .inboundShipment, after: 0, limit: 10)
            #expect(inbound.map(\.reference) == ["TR-1/SHP-7"] && inbound.map(\.sequence) == [2], "handed once, however often the batch came")
            let body = try WireFormat.decoder().decode(InboundShipmentInstruction.self, from: Data(try #require(inbound.first).body.canonicalText.utf8))
            #expect(body.units.map(\.sscc) == [try Self.sscc(11), try Self.sscc(12)] && body.fromCompany == "ACME" && body.toCompany == "BETA")

            for scope in [CompanyScope.only(["ACME"]), .only(["BETA"])] {
                let units = try await store.inTransit(company: nil, plant: nil, scope: scope)
                #expect(units.map(\.sscc) == [try Self.sscc(11).digits, try Self.sscc(12).digits], "either company sees the units on the road")
                #expect(units.first?.contents.map(\.quantity) == [Quantity(5)] && units.first?.trackingReference == "DSV-1")
            }
            #expect(try await store.inTransit(company: nil, plant: nil, scope: .only(["GAMMA"])).isEmpty)
            #expect(try await store.inTransit(company: nil, plant: "GAMMA-ROM", scope: .all).isEmpty)

            let received = TransferUnitReceived(
                transfer: "TR-1", shipment: "SHP-7", sscc: try Self.sscc(11), fromPlant: "ACME-BER", company: "BETA", tradingPartner: "ACME",
                location: "DOCK", contents: [.init(line: 1, item: "PUMP", lot: "L1", serial: nil, shipped: Quantity(5), received: Quantity(5),
                                                   damaged: .zero)], receivedBy: "kim")
            let short = TransferDiscrepancyRecorded(
                discrepancy: "TR-1/1", transfer: "TR-1", sscc: try Self.sscc(12), kind: .short, line: 1, item: "PUMP", lot: "L1", serial: nil,
                quantity: Quantity(3), reason: "pallet not on the truck", recordedBy: "kim", company: "BETA", tradingPartner: "ACME")
            let closed = TransferReceiptClosed(transfer: "TR-1", unitsReceived: 1, unitsShort: 1, closedBy: "kim", company: "BETA", tradingPartner: "ACME")
            _ = try await store.applyBatch(SyncBatch(plant: "BETA-OSL", agentHead: 3, events: [
                try Self.envelope(1, received), try Self.envelope(2, short), try Self.envelope(3, closed),
            ]), receivedAt: Self.start)
            #expect(try await store.inTransit(company: "ACME", plant: nil, scope: .all).isEmpty, "received or short: nothing on the road")

            let report = try #require(try await store.transfers(OutboundFilter(reference: "TR-1"), scope: .only(["BETA"])).first)
            #expect(report.status == .closed && report.units == .init(shipped: 2, received: 1, short: 1))
            #expect(report.lines.map(\.price) == ["40"] && report.lines.map(\.answeredPromised) == ["2027-01-30"])
            #expect(report.shipments.first?.tradingPartner == "BETA")
            #expect(report.discrepancies.map(\.discrepancy) == ["TR-1/1"] && report.discrepancies.first?.settlement == nil)
            #expect(try await store.transfers(OutboundFilter(), scope: .only(["GAMMA"])).isEmpty)

            let settlement = DiscrepancySettlement(resolution: .writtenOff, note: "lost in transit", settledBy: "user:carol", settledAt: Self.start)
            await #expect(throws: HubStoreError.self) {
                _ = try await store.settleDiscrepancy(transfer: "TR-1", discrepancy: "TR-1/1", settlement: settlement, scope: .only(["GAMMA"]), audit: .test)
            }
            let settled = try await store.settleDiscrepancy(
                transfer: "TR-1", discrepancy: "TR-1/1", settlement: settlement, scope: .only(["ACME"]), audit: .test)
            #expect(settled.settlement == settlement && settled.quantity == Quantity(3))
            let twice = await #expect(throws: ShippingRefusal.self) {
                _ = try await store.settleDiscrepancy(transfer: "TR-1", discrepancy: "TR-1/1", settlement: settlement, scope: .all, audit: .test)
            }
            #expect(twice?.code == .settledAlready && twice?.detail.contains("written-off by user:carol") == true)
            let unknown = await #expect(throws: HubStoreError.self) {
                _ = try await store.settleDiscrepancy(transfer: "TR-1", discrepancy: "TR-1/2", settlement: settlement, scope: .all, audit: .test)
            }
            #expect(unknown?.code == .notFound)
            let listed = try await store.transfers(OutboundFilter(company: "ACME"), scope: .all)
            #expect(listed.first?.discrepancies.first?.settlement?.resolution == .writtenOff)

            // The short pallet is reshipped under a new SSCC after the close: on the road again, the short one stays short.
            var reshipment = try Self.transferShipment()
            reshipment.shipment = "SHP-9"
            reshipment.units = [try Self.unit(13, [(1, "PUMP", "L1", 3)])]
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 3, events: [try Self.envelope(3, reshipment)]), receivedAt: Self.start)
            #expect(try await store.inTransit(company: nil, plant: nil, scope: .all).map(\.sscc) == [try Self.sscc(13).digits])
            let reshipped = try #require(try await store.transfers(OutboundFilter(reference: "TR-1"), scope: .all).first)
            #expect(reshipped.status == .inTransit && reshipped.units == .init(shipped: 3, received: 1, short: 1))
        }
    }

    @Test(arguments: HubBackend.allCases) func aShipmentOfManyPalletsOfSerialisedCasesIsKeptWhole(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await Self.enrol(store, [("ACME", "BER"), ("BETA", "OSL")])
            _ = try await store.placeTransfer(Self.transfer, at: Self.start, by: "user:pat", audit: .test)
            // 200 pallets of 40 serialised cases each: 8,000 contents in one event.
            let units = try (1...200).map { pallet in
                ShippedUnit(sscc: try Self.sscc(Int64(pallet)), contents: (1...40).map { case_ in
                    .init(line: 1, item: "PUMP", lot: "L\(pallet % 3)", serial: "SN-\(pallet)-\(case_)", expiry: nil, quantity: Quantity(1))
                })
            }
            var shipment = try Self.transferShipment()
            shipment.units = units
            shipment.lines = [.init(line: 1, item: "PUMP", quantity: Quantity(8000), price: nil)]
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 1, events: [try Self.envelope(1, shipment)]), receivedAt: Self.start)
            let road = try await store.inTransit(company: nil, plant: nil, scope: .all)
            #expect(road.count == 200 && road.allSatisfy { $0.contents.count == 40 })
            #expect(road.last?.contents.last?.serial == "SN-200-40" && road.first?.contents.first?.serial == "SN-1-1", "in packing order")
            let inbound = try await store.instructions(plantID: "BETA-OSL", kind: .inboundShipment, after: 0, limit: 5)
            let body = try WireFormat.decoder().decode(InboundShipmentInstruction.self, from: Data(try #require(inbound.first).body.canonicalText.utf8))
            #expect(body.units.count == 200 && body.units.flatMap(\.contents).count == 8000)
        }
    }
}
