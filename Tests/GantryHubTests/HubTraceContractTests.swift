import Foundation
import GantryCore
@testable import GantryHub
import Testing

/// Traces through genealogy, transfers and shipments across three plants and two companies, on both backends.
@Suite struct HubTraceContractTests {
    typealias Fixture = HubShippingContractTests

    static func receipt(_ item: String, _ lot: String, order: String, quantity: Int64) -> StockMoved {
        StockMoved(
            moveId: UUID(), kind: .receipt, item: item, lot: lot, serial: nil, expiry: nil, quantity: Quantity(quantity), uom: "EA",
            from: nil, to: "DOCK", reference: MoveReference(kind: .purchaseOrderLine, id: order), scan: nil, reason: nil)
    }

    static func made(_ order: String, _ item: String, _ lot: String, from inputs: [(String, String)]) -> LotsLinked {
        LotsLinked(workOrder: order, output: StockUnit(item: item, lot: lot, serial: nil), inputs: inputs.map {
            .init(unit: StockUnit(item: $0.0, lot: $0.1, serial: nil), quantity: Quantity(1))
        })
    }

    static func shipped(_ shipment: String, order: String, customer: String, company: String, sscc: Int64, _ item: String, _ lot: String) throws
        -> ShipmentDispatched {
        ShipmentDispatched(
            shipment: shipment, kind: .customerOrder, order: order, customer: customer, toPlant: nil, company: company, tradingPartner: nil,
            carrier: "UPS", trackingReference: "1Z", units: [try Fixture.unit(sscc, [(1, item, lot, 2)])],
            lines: [.init(line: 1, item: item, quantity: Quantity(2), price: nil)], backorders: [])
    }

    /// STEEL/S1 from SUP1 becomes FRAME/F1 at ACME-BER, which goes by transfer to ACME-HAM and becomes PUMP/P1 (with
    /// MOTOR/M1 from SUP2) shipped to CUST1; BETA-OSL makes KIT/K1 from FRAME/F1 and ships it to CUST9.
    static func group(_ store: any HubStore) async throws {
        try await Fixture.enrol(store, [("ACME", "BER"), ("ACME", "HAM"), ("BETA", "OSL")])
        let transfer = TransferInstruction(
            transfer: "TR-5", fromPlant: "ACME-BER", toPlant: "ACME-HAM", fromCompany: "ACME", toCompany: "ACME", requested: "2027-01-10",
            lines: [.init(line: 1, item: "FRAME", quantity: Quantity(2))])
        _ = try await store.placeTransfer(transfer, at: Fixture.start, by: "user:pat", audit: .test)
        let frames = ShipmentDispatched(
            shipment: "SHP-1", kind: .transfer, order: "TR-5", customer: nil, toPlant: "ACME-HAM", company: "ACME", tradingPartner: nil,
            carrier: "own", trackingReference: "-", units: [try Fixture.unit(9, [(1, "FRAME", "F1", 2)])],
            lines: [.init(line: 1, item: "FRAME", quantity: Quantity(2), price: nil)], backorders: [])
        _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 4, events: [
            try Fixture.envelope(1, PurchaseOrderPlaced(order: "PO-1", supplier: "SUP1", lines: [
                .init(line: 1, item: "STEEL", quantity: Quantity(100), tolerancePercent: .zero, due: "2027-01-01", unitPrice: nil),
            ])),
            try Fixture.envelope(2, receipt("STEEL", "S1", order: "PO-1/1", quantity: 100)),
            try Fixture.envelope(3, made("WO-1", "FRAME", "F1", from: [("STEEL", "S1")])),
            try Fixture.envelope(4, frames),
        ]), receivedAt: Fixture.start)
        _ = try await store.applyBatch(SyncBatch(plant: "ACME-HAM", agentHead: 5, events: [
            try Fixture.envelope(1, PurchaseOrderPlaced(order: "PO-7", supplier: "SUP2", lines: [
                .init(line: 1, item: "OIL", quantity: Quantity(1), tolerancePercent: .zero, due: nil, unitPrice: nil),
                .init(line: 2, item: "MOTOR", quantity: Quantity(5), tolerancePercent: .zero, due: nil, unitPrice: nil),
            ])),
            try Fixture.envelope(2, receipt("MOTOR", "M1", order: "PO-7/2", quantity: 5)),
            try Fixture.envelope(3, TransferUnitReceived(
                transfer: "TR-5", shipment: "SHP-1", sscc: try Fixture.sscc(9), fromPlant: "ACME-BER", company: "ACME", tradingPartner: nil,
                location: "DOCK", contents: [.init(line: 1, item: "FRAME", lot: "F1", serial: nil, shipped: Quantity(2), received: Quantity(2),
                                                   damaged: .zero)], receivedBy: "kim")),
            try Fixture.envelope(4, made("WO-2", "PUMP", "P1", from: [("FRAME", "F1"), ("MOTOR", "M1")])),
            try Fixture.envelope(5, try shipped("SHP-1", order: "SO-1", customer: "CUST1", company: "ACME", sscc: 21, "PUMP", "P1")),
        ]), receivedAt: Fixture.start)
        _ = try await store.applyBatch(SyncBatch(plant: "BETA-OSL", agentHead: 2, events: [
            try Fixture.envelope(1, made("WO-9", "KIT", "K1", from: [("FRAME", "F1")])),
            try Fixture.envelope(2, try shipped("SHP-3", order: "SO-8", customer: "CUST9", company: "BETA", sscc: 31, "KIT", "K1")),
        ]), receivedAt: Fixture.start)
    }

    @Test(arguments: HubBackend.allCases) func aRecallFollowsASupplierLotToEveryPlantUnitAndCustomer(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await Self.group(store)
            let all = try await store.recall(item: "STEEL", lot: "S1", scope: .all)
            #expect(Set(all.links.map { "\($0.plant) \($0.fromLot)>\($0.lot)" }) == ["ACME-BER S1>F1", "ACME-HAM F1>P1", "BETA-OSL F1>K1"])
            #expect(all.links.count == 3, "MOTOR/M1 did not come from S1")
            #expect(all.customers == ["CUST1", "CUST9"])
            #expect(Set(all.shipped.map { "\($0.plant) \($0.shipment) \($0.sscc.suffix(3)) \($0.lot)" }) == [
                "ACME-BER SHP-1 \(try Fixture.sscc(9).digits.suffix(3)) F1", "ACME-HAM SHP-1 \(try Fixture.sscc(21).digits.suffix(3)) P1",
                "BETA-OSL SHP-3 \(try Fixture.sscc(31).digits.suffix(3)) K1",
            ])
            #expect(all.shipped.first { $0.kind == .transfer }?.received == true)
            #expect(all.stock == [StockBalance(plant: "ACME-BER", item: "STEEL", lot: "S1", quantity: Quantity(100))])

            let acme = try await store.recall(item: "STEEL", lot: "S1", scope: .only(["ACME"]))
            #expect(acme.links.count == 2 && acme.customers == ["CUST1"], "BETA's genealogy and customers stay out of ACME's sight")
            let beta = try await store.recall(item: "FRAME", lot: "F1", scope: .only(["BETA"]))
            #expect(beta.links.map(\.lot) == ["K1"] && beta.customers == ["CUST9"] && beta.stock.isEmpty)
            let nothing = try await store.recall(item: "STEEL", lot: "S9", scope: .all)
            #expect(nothing.links.isEmpty && nothing.shipped.isEmpty && nothing.customers.isEmpty)
        }
    }

    @Test(arguments: HubBackend.allCases) func aShipmentTracesBackToTheSupplierLotsInsideIt(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await Self.group(store)
            let trace = try #require(try await store.shipmentTrace(plant: "ACME-HAM", shipment: "SHP-1", scope: .only(["ACME"])))
            #expect(trace.customer == "CUST1" && trace.contents.map(\.lot) == ["P1"])
            #expect(Set(trace.links.map { "\($0.fromLot)>\($0.lot)" }) == ["F1>P1", "M1>P1", "S1>F1"], "across the transfer from ACME-BER")
            #expect(trace.supplierLots.map { "\($0.plant) \($0.item)/\($0.lot) \($0.supplier ?? "-") \($0.purchaseOrder)/\($0.line)" } == [
                "ACME-HAM MOTOR/M1 SUP2 PO-7/2", "ACME-BER STEEL/S1 SUP1 PO-1/1",
            ])
            #expect(trace.supplierLots.map(\.quantity) == [Quantity(5), Quantity(100)])
            #expect(try await store.shipmentTrace(plant: "ACME-HAM", shipment: "SHP-1", scope: .only(["BETA"])) == nil)
            #expect(try await store.shipmentTrace(plant: "ACME-HAM", shipment: "SHP-404", scope: .all) == nil)
            let kit = try #require(try await store.shipmentTrace(plant: "BETA-OSL", shipment: "SHP-3", scope: .only(["BETA"])))
            #expect(kit.links.map(\.lot) == ["K1"] && kit.supplierLots.isEmpty, "ACME's genealogy behind F1 stays ACME's")
        }
    }
}
