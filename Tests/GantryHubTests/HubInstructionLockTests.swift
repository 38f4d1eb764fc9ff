import Foundation
import GantryCore
@testable import GantryHub
import Testing

/// Two plants that ship transfers to each other while a planner hands them new transfers: every batch and every
/// transfer goes through at once on both backends, none is aborted as a deadlock and none waits for another's plant.
@Suite struct HubInstructionLockTests {
    static func transfer(_ reference: String, from: String, to: String) -> TransferInstruction {
        TransferInstruction(
            transfer: reference, fromPlant: from, toPlant: to, fromCompany: "ACME", toCompany: "ACME", requested: "2027-02-01",
            lines: [.init(line: 1, item: "PUMP", quantity: Quantity(1))])
    }

    static func shipment(_ number: Int, of transfer: TransferInstruction) throws -> ShipmentDispatched {
        ShipmentDispatched(
            shipment: "SHP-\(number)", kind: .transfer, order: transfer.transfer, customer: nil, toPlant: transfer.toPlant, company: "ACME",
            tradingPartner: nil, carrier: "DSV", trackingReference: "T\(number)",
            units: [try HubShippingContractTests.unit(Int64(number), [(1, "PUMP", "L\(number)", 1)]).withPrefix(transfer.fromPlant)],
            lines: [.init(line: 1, item: "PUMP", quantity: Quantity(1), price: nil)], backorders: [])
    }

    @Test(arguments: HubBackend.allCases)
    func plantsShippingToEachOtherNeverDeadlock(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await HubShippingContractTests.enrol(store, [("ACME", "BER"), ("ACME", "HAM")])
            let east = Self.transfer("T-EAST", from: "ACME-BER", to: "ACME-HAM"), west = Self.transfer("T-WEST", from: "ACME-HAM", to: "ACME-BER")
            _ = try await store.placeTransfer(east, at: HubShippingContractTests.start, by: "user:pat", audit: .test)
            _ = try await store.placeTransfer(west, at: HubShippingContractTests.start, by: "user:pat", audit: .test)
            let rounds = 25
            for round in 1...rounds {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (plant, transfer) in [("ACME-BER", east), ("ACME-HAM", west)] {
                        let batch = SyncBatch(plant: plant, agentHead: Int64(round), events: [
                            try HubShippingContractTests.envelope(Int64(round), try Self.shipment(round, of: transfer)),
                        ])
                        group.addTask { _ = try await store.applyBatch(batch, receivedAt: HubShippingContractTests.start) }
                    }
                    group.addTask {
                        let (from, to) = round.isMultiple(of: 2) ? ("ACME-BER", "ACME-HAM") : ("ACME-HAM", "ACME-BER")
                        _ = try await store.placeTransfer(
                            Self.transfer("T-\(round)", from: from, to: to), at: HubShippingContractTests.start, by: "user:pat", audit: .test)
                    }
                    try await group.waitForAll()
                }
            }
            // Each plant: transfer-out and transfer-in of the first two transfers, one of each per round's transfer, and
            // one inbound shipment per round from the other plant, numbered without a gap.
            for plant in ["ACME-BER", "ACME-HAM"] {
                let handed = try await store.instructions(plantID: plant, kind: nil, after: 0, limit: 1000)
                #expect(handed.map(\.sequence) == Array(1...Int64(2 + rounds + rounds)), "\(plant): \(handed.map(\.sequence))")
                #expect(handed.filter { $0.kind == .inboundShipment }.count == rounds)
            }
        }
    }
}

private extension ShippedUnit {
    /// The unit under the sending plant's own company prefix, so the two plants' SSCCs never coincide.
    func withPrefix(_ plant: String) -> ShippedUnit {
        var unit = self
        let prefix = plant == "ACME-BER" ? "4012345" : "4099999"
        if let serial = Int64(unit.sscc.digits.dropFirst(8).dropLast()), let sscc = try? SSCC(companyPrefix: GS1CompanyPrefix(prefix), serialReference: serial) {
            unit.sscc = sscc
        }
        return unit
    }
}
