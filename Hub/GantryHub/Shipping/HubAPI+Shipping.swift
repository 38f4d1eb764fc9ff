import Foundation
import GantryCore
import Hummingbird

/// Customer orders and transfers handed to plants, and what became of them (docs/shipping.md).
extension HubAPI {
    /// `POST /v1/customer-orders`: keeps the order and hands it to its plant; the same order again answers what was
    /// handed (`created == false`), or 409 if it differs.
    func placeCustomerOrder(_ request: CustomerOrderRequest, actor: Actor) async throws -> OrderPlacedBody {
        let plant = try await enrolled(request.plant, scope: actor.companies)
        let customer = try await store.masters(kind: .customer, key: request.customer, company: .some(plant.company), scope: .all)
            .compactMap(CustomerMaster.init).first
        let order = try request.decide(.init(company: plant.company, customer: customer, items: try await items(meantFor: plant)))
        let body = try JSONValue.encoding(order)
        let audit = AuditDraft(
            actor: actor.name, action: "customer-order.sent", subject: "plant \(plant.plantID) customer order \(order.order)",
            company: plant.company, before: nil, after: body.canonicalText)
        let placed = try await store.placeCustomerOrder(order, plant: plant.plantID, at: now(), by: actor.name, audit: audit)
        guard placed.created || placed.instructions.map({ "\($0.plant) \($0.body.canonicalText)" }) == ["\(plant.plantID) \(body.canonicalText)"] else {
            throw ProblemDetails(code: "duplicate", title: "Refused", status: 409,
                                 detail: "customer order \(order.order) of \(plant.company) was handed to a plant already with other content")
        }
        return OrderPlacedBody(created: placed.created, instructions: placed.instructions)
    }

    /// `POST /v1/transfers`: prices the lines from the intercompany price list across companies, and hands the transfer
    /// to both plants; the same transfer again answers what was handed, or 409 if it differs.
    func placeTransfer(_ request: TransferRequest, actor: Actor) async throws -> OrderPlacedBody {
        let from = try await enrolled(request.fromPlant, scope: actor.companies)
        let to = try await enrolled(request.toPlant, scope: actor.companies)
        let prices = from.company == to.company ? [] : try await store.masters(
            kind: .intercompanyPrice, key: nil, company: .some(from.company), scope: .all).compactMap(IntercompanyPriceMaster.init)
        var transfer = try request.decide(.init(
            fromCompany: from.company, toCompany: to.company, items: try await items(meantFor: from), prices: prices))
        // The receiver refuses SSCCs allocated under another prefix than the sender's.
        transfer.fromCompanyPrefix = try await store.masters(kind: .plant, key: from.plantID, company: .some(from.company), scope: .all)
            .compactMap(PlantMaster.init).first?.gs1CompanyPrefix
        let body = try JSONValue.encoding(transfer)
        let audit = AuditDraft(
            actor: actor.name, action: "transfer.sent", subject: "transfer \(transfer.transfer) from \(from.plantID) to \(to.plantID)",
            company: from.company, before: nil, after: body.canonicalText)
        let placed = try await store.placeTransfer(transfer, at: now(), by: actor.name, audit: audit)
        guard placed.created || placed.instructions.allSatisfy({ $0.body == body }) else {
            throw ProblemDetails(code: "duplicate", title: "Refused", status: 409,
                                 detail: "transfer \(transfer.transfer) was handed to plants already with other content")
        }
        return OrderPlacedBody(created: placed.created, instructions: placed.instructions)
    }

    /// `GET /v1/customer-orders?company=&plant=&customer=&order=`.
    func customerOrderList(_ query: Parameters, scope: CompanyScope) async throws -> CustomerOrderListBody {
        let filter = OutboundFilter(
            company: try await companyFilter(query, scope: scope), plant: try await plantFilter(query, scope: scope),
            customer: try codeFilter(query, "customer"), reference: try referenceFilter(query, "order"))
        return CustomerOrderListBody(orders: try await store.customerOrders(filter, scope: scope))
    }

    /// `GET /v1/transfers?company=&plant=&transfer=`.
    func transferList(_ query: Parameters, scope: CompanyScope) async throws -> TransferListBody {
        let filter = OutboundFilter(
            company: try await companyFilter(query, scope: scope), plant: try await plantFilter(query, scope: scope),
            reference: try referenceFilter(query, "transfer"))
        return TransferListBody(transfers: try await store.transfers(filter, scope: scope))
    }

    /// `GET /v1/reports/in-transit?company=&plant=`.
    func inTransitReport(_ query: Parameters, scope: CompanyScope) async throws -> InTransitBody {
        InTransitBody(units: try await store.inTransit(
            company: try await companyFilter(query, scope: scope), plant: try await plantFilter(query, scope: scope), scope: scope))
    }

    /// `POST /v1/transfers/{transfer}/discrepancies/{n}/settle`: once, audited with who and when.
    func settleDiscrepancy(_ body: SettleBody, transfer: String, number: String, actor: Actor) async throws -> DiscrepancyReport {
        guard PlantIdentity.isLocalCode(transfer), let n = Int(number), n > 0 else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no discrepancy \(transfer)/\(number)")
        }
        let discrepancy = "\(transfer)/\(n)"
        let settlement = DiscrepancySettlement(resolution: body.resolution, note: body.note, settledBy: actor.name, settledAt: now())
        let audit = AuditDraft(
            actor: actor.name, action: "discrepancy.settled", subject: "transfer \(transfer) discrepancy \(discrepancy)", company: nil,
            before: nil, after: try JSONValue.encoding(settlement).canonicalText)
        return try await store.settleDiscrepancy(
            transfer: transfer, discrepancy: discrepancy, settlement: settlement, scope: actor.companies, audit: audit)
    }

    /// Item codes of the active item masters meant for `plant`.
    private func items(meantFor plant: PlantRecord) async throws -> Set<String> {
        Set(try await store.masters(kind: .item, key: nil, company: nil, scope: .all)
            .filter { $0.active && $0.isMeant(forPlant: plant.plantID, company: plant.company) }.map(\.key))
    }

    /// An order's or transfer's reference filter: 1 to 64 letters, digits, '-', '_' or '.'.
    private func referenceFilter(_ query: Parameters, _ name: String) throws -> String? {
        guard let text = query[Substring(name)].map(String.init) else { return nil }
        guard PlantIdentity.isLocalCode(text) else { throw invalidQuery(name, "\(name) is 1 to 64 letters, digits, '-', '_' or '.'") }
        return text
    }
}

/// What placing a customer order or a transfer answers: the instructions, and whether handed now (201) or before (200).
struct OrderPlacedBody: Codable, Sendable {
    var created: Bool
    var instructions: [PlantInstruction]
}

struct CustomerOrderListBody: Codable, Sendable {
    var orders: [CustomerOrderReport]
}

struct TransferListBody: Codable, Sendable {
    var transfers: [TransferReport]
}

struct InTransitBody: Codable, Sendable {
    var units: [InTransitUnit]
}

struct SettleBody: Codable, Sendable {
    var resolution: DiscrepancySettlement.Resolution
    var note: String
}
